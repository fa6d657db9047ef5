// Command logviewer is the reference's LOGVIEWER utility.
package main

import (
	"fmt"
	"os"
)

func main() {
	fmt.Fprintln(os.Stderr, "logviewer: not implemented yet")
	os.Exit(1)
}
