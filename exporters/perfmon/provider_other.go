//go:build !(windows && (amd64 || arm64))

package perfmon

func startProvider([]CounterSet) (publisher, error) { return nil, ErrUnsupported }
