package mgmt

import (
	"context"
	"net/http"
	"net/url"

	"github.com/dtrep/dtrep/engine/schedule"
)

var _ Operations = (*Client)(nil)

// StartActivity implements Operations.
func (c *Client) StartActivity(ctx context.Context, name, activity string, o ActivityOptions) error {
	if err := ValidateActivity(activity, ActionStart); err != nil {
		return err
	}
	q := url.Values{}
	for k, v := range map[string]bool{"checksum": o.Checksum, "fix": o.Fix, "orphans": o.Orphans} {
		if v {
			q.Set(k, "true")
		}
	}
	return c.onJob(ctx, http.MethodPost, "/v1/"+activity, name, ActionStart, q, nil)
}

// ControlActivity implements Operations.
func (c *Client) ControlActivity(ctx context.Context, name, activity, action string) error {
	if err := ValidateActivity(activity, action); err != nil {
		return err
	}
	return c.onJob(ctx, http.MethodPost, "/v1/"+activity, name, action, nil, nil)
}

// SubmitTask implements Operations.
func (c *Client) SubmitTask(ctx context.Context, name string, t TaskSpec) (TaskReceipt, error) {
	var out TaskReceipt
	if err := ValidateJobName(name); err != nil {
		return out, err
	}
	if err := t.Validate(); err != nil {
		return out, err
	}
	err := c.do(ctx, http.MethodPost, "/v1/tasks/"+url.PathEscape(name), nil, t, &out)
	return out, err
}

// SetSchedule implements Operations; nil clears the schedule.
func (c *Client) SetSchedule(ctx context.Context, name string, spec *schedule.Spec) error {
	if err := ValidateJobName(name); err != nil {
		return err
	}
	p := "/v1/jobs/" + url.PathEscape(name) + "/schedule"
	if spec == nil {
		return c.do(ctx, http.MethodDelete, p, nil, nil, nil)
	}
	if err := spec.Validate(); err != nil {
		return err
	}
	return c.do(ctx, http.MethodPut, p, nil, spec, nil)
}

// Schedule implements Operations.
func (c *Client) Schedule(ctx context.Context, name string) (*schedule.Spec, error) {
	var out schedule.Spec
	err := c.onJob(ctx, http.MethodGet, "/v1/jobs", name, "schedule", nil, &out)
	return &out, err
}

// RequireRestore implements Operations.
func (c *Client) RequireRestore(ctx context.Context, set string) error {
	return c.onJob(ctx, http.MethodPost, "/v1/target/failover", set, "", nil, nil)
}
