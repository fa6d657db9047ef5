module github.com/dtrep/dtrep

go 1.26.0

require github.com/spf13/cobra v1.10.2

require (
	github.com/fsnotify/fsnotify v1.10.1 // indirect
	github.com/inconshreveable/mousetrap v1.1.0 // indirect
	github.com/klauspost/compress v1.20.4 // indirect
	github.com/spf13/pflag v1.0.10 // indirect
	golang.org/x/sys v0.13.0 // indirect
	golang.org/x/time v0.16.0 // indirect
)
