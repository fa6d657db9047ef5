package main

// platformStarters: on Windows, the version the SCOM packs discover.
var platformStarters = []exporterStarter{recordProductVersion}
