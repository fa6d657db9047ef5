//go:build !windows

package main

// platformStarters: nothing beyond the common exporters.
var platformStarters []exporterStarter
