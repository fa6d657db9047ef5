//go:build !linux

package target

func blockPath(string) error   { return errBlockUnavailable }
func unblockPath(string) error { return nil }
func errnoOf(error) int        { return -1 }
