// Command gen writes DT-MIB from the catalog: go run ./mib/gen writes
// mib/dt.mib under the default enterprise OID; -oid lays it out under
// another one and -o - prints it.
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/mib"
)

func main() {
	out := flag.String("o", "mib/"+mib.FileName, "file to write, - for standard output")
	oid := flag.String("oid", "", "enterprise OID (default: SNMPEnterpriseOID's default)")
	flag.Parse()
	if err := run(*out, *oid); err != nil {
		fmt.Fprintln(os.Stderr, "mib gen:", err)
		os.Exit(1)
	}
}

func run(out, oid string) error {
	cat, err := catalog.Load()
	if err != nil {
		return err
	}
	b, err := mib.Generate(cat, oid)
	if err != nil {
		return err
	}
	if out == "-" {
		_, err = os.Stdout.Write(b)
		return err
	}
	return os.WriteFile(out, b, 0o644)
}
