package exporters_test

import (
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/exporters"
)

// The server is an Engine: exporters never need more than this interface.
var _ exporters.Engine = (*server.Server)(nil)
