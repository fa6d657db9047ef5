package eventlog

import (
	"bytes"
	"fmt"
	"strings"
)

// mcLanguage is the one language of the message files: US English, the
// reference's.
const (
	mcLanguageName = "English"
	mcLanguageID   = 0x0409
	// MessageTableName and MessageTableLanguage are the resource name and
	// language the message table is stored under (FormatMessage and Event
	// Viewer look for name 1).
	MessageTableName     = 1
	MessageTableLanguage = mcLanguageID
)

// storedText is a message as mc stores it: the template with "\r\n" ending
// its (one) line.
func storedText(template string) string { return template + "\r\n" }

// MessageTable is the RT_MESSAGETABLE resource holding the text of every
// event in evs under its full identifier.
func MessageTable(evs []WindowsEvent) ([]byte, error) {
	msgs := make([]Message, len(evs))
	for i, e := range evs {
		msgs[i] = Message{ID: e.MessageID, Text: storedText(e.Message)}
	}
	return EncodeMessageTable(msgs)
}

// MessageCompilerSource renders evs as a message compiler (.mc) source with
// CRLF line ends, from which mc.exe or windmc -U produce the same message
// table as MessageTable (the project builds its own; the .mc is committed
// for people who use Microsoft's tools, and a test compiles it with windmc
// to prove the two agree).
func MessageCompilerSource(evs []WindowsEvent, sources []WindowsSource) []byte {
	var b bytes.Buffer
	line := func(format string, args ...any) {
		fmt.Fprintf(&b, format, args...)
		b.WriteString("\r\n")
	}
	line(";// dtrep event messages, generated from the catalog by eventlog.MessageCompilerSource. Do not edit.")
	line(";// The facility says which source (and which of two messages listed under one source, ID and level) a")
	line(";// message belongs to; tools display the low 16 bits, the reference's event ID.")
	line("MessageIdTypedef=DWORD")
	line("SeverityNames=(Success=0x0:STATUS_SEVERITY_SUCCESS")
	line("               Informational=0x1:STATUS_SEVERITY_INFORMATIONAL")
	line("               Warning=0x2:STATUS_SEVERITY_WARNING")
	line("               Error=0x3:STATUS_SEVERITY_ERROR)")
	facilities := map[uint32]bool{}
	for _, e := range evs {
		facilities[e.MessageID>>16&0xFFF] = true
	}
	var facs []string
	for _, s := range sources {
		for v := uint32(0); ; v++ {
			f := uint32(s.Facility) | v<<variantShift
			if !facilities[f] {
				break
			}
			facs = append(facs, fmt.Sprintf("%s=0x%X:FACILITY_%s", facilityName(s.Name, v), f,
				strings.ToUpper(facilityName(s.Name, v))))
		}
	}
	line("FacilityNames=(%s)", strings.Join(facs, "\r\n               "))
	line("LanguageNames=(%s=0x%X:MSG%05X)", mcLanguageName, mcLanguageID, mcLanguageID)
	names := map[uint32]string{}
	for _, s := range sources {
		names[uint32(s.Facility)] = s.Name
	}
	for _, e := range evs {
		fac := e.MessageID >> 16 & 0xFFF
		variant := fac >> variantShift
		line("")
		line(";// %s, %s log, %s", e.Source, e.Log, e.Level)
		line("MessageId=%d", e.ID)
		line("Severity=%s", severityName(e.MessageID>>30))
		line("Facility=%s", facilityName(e.Source, variant))
		line("SymbolicName=%s", symbolicName(e, variant))
		line("Language=%s", mcLanguageName)
		line("%s", e.Message)
		line(".")
	}
	return b.Bytes()
}

func severityName(sev uint32) string {
	return [...]string{"Success", "Informational", "Warning", "Error"}[sev&3]
}

// identifier turns a source name into a C identifier part: "Double-Take
// Management Service" -> "DoubleTakeManagementService".
func identifier(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func facilityName(source string, variant uint32) string {
	if variant == 0 {
		return identifier(source)
	}
	return fmt.Sprintf("%s_%d", identifier(source), variant+1)
}

func symbolicName(e WindowsEvent, variant uint32) string {
	name := fmt.Sprintf("MSG_%s_%s_%d", strings.ToUpper(identifier(e.Source)), strings.ToUpper(string(e.Level)), e.ID)
	if variant > 0 {
		name += fmt.Sprintf("_%d", variant+1)
	}
	return name
}
