package mpcheck

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func libraryDir(t *testing.T) string {
	dir := filepath.Join("..", "..", "..", "..", "shared", "scom", "library")
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("SCOM library packs: %v", err)
	}
	return dir
}

// The MAML subset schema accepts every knowledge article of Microsoft's
// own library packs, so it refuses only what SCOM knowledge never holds.
func TestMAMLSchemaAcceptsLibraryKnowledge(t *testing.T) {
	c, err := New(libraryDir(t))
	if err != nil {
		t.Fatal(err)
	}
	var articles []article
	for _, p := range c.libs {
		for _, ka := range p.root.FindElements("LanguagePacks/LanguagePack/KnowledgeArticles/KnowledgeArticle") {
			articles = append(articles, article{p, ka})
		}
	}
	if len(articles) < 10 {
		t.Fatalf("only %d knowledge articles in the library packs", len(articles))
	}
	if err := c.validateMAML(articles); err != nil {
		t.Fatal(err)
	}
	for _, p := range c.found {
		t.Errorf("%v", p)
	}
}

// Every public module, monitor and view type of the library packs yields a
// schema xmllint compiles, so a configuration problem is the pack's, never
// the derivation's.
func TestDerivedSchemasCompile(t *testing.T) {
	c, err := New(libraryDir(t))
	if err != nil {
		t.Fatal(err)
	}
	c.packs = c.libs
	kinds := map[string]bool{"DataSourceModuleType": true, "ProbeActionModuleType": true,
		"ConditionDetectionModuleType": true, "WriteActionModuleType": true, "UnitMonitorType": true, "ViewType": true}
	var configs []configInstance
	for _, p := range c.libs {
		for _, e := range p.elems {
			if kinds[e.kind] && e.public() {
				configs = append(configs, configInstance{pack: p, owner: e.id, where: e.id, typ: e})
			}
		}
	}
	if err := c.validateConfigs(configs); err != nil {
		t.Fatal(err)
	}
	// An empty configuration fails types with required items; only schemas
	// that do not compile matter here.
	for _, p := range c.found {
		if strings.Contains(p.Message, "configuration schema of") || strings.Contains(p.Message, "not found") {
			t.Errorf("%v", p)
		}
	}
	t.Logf("%d library types", len(configs))
}
