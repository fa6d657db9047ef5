package main

import (
	"slices"
	"testing"

	"github.com/dtrep/dtrep/engine/catalog"
)

func TestGuess(t *testing.T) {
	cases := []struct {
		values, def string
		typ         string
		min, max    int64 // -1: none
		allowed     []string
		value       string
	}{
		{"0 - 65535", "5", "int", 0, 65535, nil, "5"},
		{"100 - 20,000", "2000", "int", 100, 20000, nil, "2000"},
		{"0 Do not reconnect, 1 Reconnect", "1", "bool", -1, -1, nil, "1"},
		{"0 never overwrite, 1 always overwrite, 2 overwrite if older", "1", "enum", -1, -1, []string{"0", "1", "2"}, "1"},
		{"2 IPv4 protocol only, 23 IPv4 and IPv6 protocols, 3 TDU (Throughput Diagnostics Utility)", "2 for Windows 2003", "enum", -1, -1, []string{"2", "23", "3"}, ""},
		{"0 Log all write failures on the target, 1 or any larger integer indicates that number", "0", "int", 0, -1, nil, "0"},
		{"any valid path", "the location where the Double-Take files were installed", "path", -1, -1, nil, ""},
		{"any integer", "30", "int", 0, -1, nil, "30"},
		{"any valid file name", "connect.sts", "string", -1, -1, nil, "connect.sts"},
	}
	for _, tc := range cases {
		s := catalog.Setting{Name: "X", Values: tc.values, Default: tc.def, Status: catalog.SettingActive}
		guess(&s)
		if s.Type != tc.typ || !slices.Equal(s.Allowed, tc.allowed) || s.Value != tc.value ||
			!sameBound(s.Min, tc.min) || !sameBound(s.Max, tc.max) {
			t.Errorf("%q: got %s %v..%v %v %q", tc.values, s.Type, s.Min, s.Max, s.Allowed, s.Value)
		}
	}
	internal := catalog.Setting{Name: "X", Description: "Do not modify this entry.", Status: catalog.SettingInternal}
	guess(&internal)
	if internal.Type != "string" || internal.Value != "" {
		t.Errorf("internal: %+v", internal)
	}
}

func sameBound(p *int64, want int64) bool {
	if want < 0 {
		return p == nil
	}
	return p != nil && *p == want
}
