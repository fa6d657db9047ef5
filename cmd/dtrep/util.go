package main

import "github.com/dtrep/dtrep/engine/catalog"

// mgmtCode is the chapter 5 code an error carries, 0 if none.
func mgmtCode(err error) int { return catalog.CodeOf(err) }
