package scom

// The dtrep folder of the Monitoring pane and its four views (chapter 8's
// "Double-Take specific views").
const viewFolder = "Dtrep.ViewFolder"

func writePresentation(p *pack) {
	p.define("Presentation/Folders", "Folder", viewFolder, "dtrep", "dtrep servers: alerts, state, events and performance.",
		"Accessibility", "Public", "ParentFolder", p.ref("SC!Microsoft.SystemCenter.Monitoring.ViewFolder.Root"))
	views := []struct {
		id, typ, name, desc string
	}{
		{"Dtrep.View.Alerts", "SC!Microsoft.SystemCenter.AlertViewType", "Alerts",
			"Open alerts of the computers with dtrep installed."},
		{"Dtrep.View.State", "SC!Microsoft.SystemCenter.StateViewType", "State",
			"The state and properties of every dtrep server."},
		{"Dtrep.View.Events", "SC!Microsoft.SystemCenter.EventViewType", "Events",
			"The events dtrep servers reported in the Application and System logs."},
		{"Dtrep.View.Performance", "SC!Microsoft.SystemCenter.PerformanceViewType", "Performance Data",
			"Queue memory, disk queues, bytes transmitted and operations pending, per server and connection."},
	}
	for _, v := range views {
		view := p.define("Presentation/Views", "View", v.id, v.name, v.desc,
			"Accessibility", "Public", "Enabled", "true", "Target", p.ref(serverClass),
			"TypeID", p.ref(v.typ), "Visible", "true")
		child(view, "Category", "Operations")
		criteria := view.CreateElement("Criteria")
		if v.id == "Dtrep.View.Alerts" {
			// Open alerts: every resolution state but Closed (255).
			rs := criteria.CreateElement("ResolutionState").CreateElement("StateRange")
			rs.CreateAttr("Operator", "NotEquals")
			rs.SetText("255")
		}
		item := p.container("Presentation/FolderItems").CreateElement("FolderItem")
		setAttrs(item, "ElementID", p.ref(v.id), "Folder", p.ref(viewFolder))
	}
}
