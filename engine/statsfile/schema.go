package statsfile

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/dtrep/dtrep/engine/catalog"
)

// FormatName identifies the schema record's JSON.
const FormatName = "dtrep statistics"

// Field describes one statistic a file carries.
type Field struct {
	ID            uint32        `json:"id"`
	Name          string        `json:"name"`
	Scope         catalog.Scope `json:"scope"`
	Kind          catalog.Kind  `json:"kind"`
	Unit          string        `json:"unit,omitempty"`
	DTStatSection string        `json:"dtstat_section,omitempty"`
	DTStatLabel   string        `json:"dtstat_label,omitempty"`
	DTStatCSV     string        `json:"dtstat_csv,omitempty"`
}

// Schema is the self-description at the start of a file.
type Schema struct {
	Format  string    `json:"format"`
	Version int       `json:"version"`
	Server  string    `json:"server,omitempty"`
	Created time.Time `json:"created"`
	Fields  []Field   `json:"fields"`

	byID   map[uint32]*Field
	byName map[string]*Field // scope + "/" + name
}

// NewSchema describes every counter of the catalog.
func NewSchema(cat *catalog.Catalog, server string, created time.Time) *Schema {
	s := &Schema{Format: FormatName, Version: VersionMajor, Server: server, Created: created.UTC()}
	for i, c := range cat.Counters {
		s.Fields = append(s.Fields, Field{ID: uint32(i + 1), Name: c.Name, Scope: c.Scope, Kind: c.Kind,
			Unit: c.Unit, DTStatSection: c.DTStatSection, DTStatLabel: c.DTStatLabel, DTStatCSV: c.DTStatCSV})
	}
	s.index()
	return s
}

func (s *Schema) index() {
	s.byID = make(map[uint32]*Field, len(s.Fields))
	s.byName = make(map[string]*Field, len(s.Fields))
	for i := range s.Fields {
		f := &s.Fields[i]
		s.byID[f.ID] = f
		s.byName[string(f.Scope)+"/"+f.Name] = f
	}
}

// Field looks a statistic up by scope and name.
func (s *Schema) Field(scope catalog.Scope, name string) (Field, bool) {
	f, ok := s.byName[string(scope)+"/"+name]
	if !ok {
		return Field{}, false
	}
	return *f, true
}

func (s *Schema) marshal() ([]byte, error) {
	b, err := json.Marshal(s)
	if err != nil {
		return nil, fmt.Errorf("statistics schema: %w", err)
	}
	return append([]byte{kindSchema}, b...), nil
}

func parseSchema(body []byte) (*Schema, error) {
	var s Schema
	if err := json.Unmarshal(body, &s); err != nil {
		return nil, fmt.Errorf("statistics schema: %w", err)
	}
	if s.Format != FormatName {
		return nil, fmt.Errorf("statistics schema: format %q", s.Format)
	}
	seen := map[uint32]bool{}
	for _, f := range s.Fields {
		if f.ID == 0 || seen[f.ID] || f.Name == "" {
			return nil, fmt.Errorf("statistics schema: field %d %q is not valid", f.ID, f.Name)
		}
		seen[f.ID] = true
	}
	s.index()
	return &s, nil
}
