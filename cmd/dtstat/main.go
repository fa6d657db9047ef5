// Command dtstat is the reference's DTSTAT utility.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "dtstat: not implemented yet")
	os.Exit(1)
}
