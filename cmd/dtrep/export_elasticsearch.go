package main

import (
	"context"
	"log/slog"

	"github.com/dtrep/dtrep/engine/catalog"
	"github.com/dtrep/dtrep/engine/server"
	"github.com/dtrep/dtrep/engine/settings"
	"github.com/dtrep/dtrep/exporters/elasticsearch"
)

// startElasticsearch runs the Elasticsearch exporter when
// ElasticsearchAddresses names a cluster.
func startElasticsearch(srv *server.Server, st settings.Reader) (func(context.Context) error, error) {
	cfg, err := elasticsearch.ConfigFromSettings(st)
	if err != nil || len(cfg.Addresses) == 0 {
		return nil, err
	}
	exp, err := elasticsearch.New(srv, cfg, slog.Default())
	if err != nil {
		return nil, err
	}
	return exp.Run, nil
}

// installElasticsearchPack installs the index templates and ILM policies
// on the cluster the settings name.
func installElasticsearchPack(ctx context.Context, st settings.Reader) error {
	cfg, err := elasticsearch.ConfigFromSettings(st)
	if err != nil {
		return err
	}
	if len(cfg.Addresses) == 0 {
		return errNoAddresses("ElasticsearchAddresses")
	}
	client, err := elasticsearch.NewClient(cfg, nil)
	if err != nil {
		return err
	}
	cat, err := catalog.Load()
	if err != nil {
		return err
	}
	return elasticsearch.Install(ctx, client, cat)
}
