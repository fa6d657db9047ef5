package settings

import (
	"fmt"
	"maps"
	"os"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"
)

// resolved is a setting's value once the layers are combined.
type resolved struct {
	value  string
	source Source
}

// resolve combines defaults, the file layer, the environment and the bound
// flags with viper's precedence (flag > env > file > default). A fresh viper
// is built each time: a reload must not see the previous file's keys.
func (s *Store) resolve(layer *fileLayer) (map[string]resolved, error) {
	s.mu.RLock()
	flags := maps.Clone(s.flags)
	s.mu.RUnlock()

	v := viper.New()
	v.SetEnvPrefix("DTREP")
	v.AllowEmptyEnv(true) // DTREP_DEFAULTADDRESS= clears a value
	v.AutomaticEnv()
	for _, st := range s.ix.list {
		v.SetDefault(key(st.Name), st.Value)
	}
	cfg := make(map[string]any, len(layer.values))
	for k, fv := range layer.values {
		cfg[k] = fv.value
	}
	if err := v.MergeConfigMap(cfg); err != nil {
		return nil, fmt.Errorf("settings: %w", err)
	}
	for k, f := range flags {
		if err := v.BindPFlag(k, f); err != nil {
			return nil, fmt.Errorf("settings: flag %s: %w", f.Name, err)
		}
	}
	out := make(map[string]resolved, len(s.ix.list))
	for _, st := range s.ix.list {
		k := key(st.Name)
		// Each layer was validated on its own; normalising again turns a
		// flag's or the environment's "true" into the stored "1".
		norm, err := Normalize(st, v.GetString(k))
		if err != nil {
			return nil, fmt.Errorf("settings: %w", err)
		}
		out[k] = resolved{value: norm, source: sourceOf(st, layer, flags)}
	}
	return out, nil
}

// sourceOf names the layer viper took the value from.
func sourceOf(st catalog.Setting, layer *fileLayer, flags map[string]*pflag.Flag) Source {
	if f := flags[key(st.Name)]; f != nil && f.Changed {
		return SourceFlag
	}
	if _, ok := os.LookupEnv(EnvName(st.Name)); ok {
		return SourceEnv
	}
	if _, ok := layer.values[key(st.Name)]; ok {
		return SourceFile
	}
	return SourceDefault
}
