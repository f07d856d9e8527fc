package migrate

import (
	"errors"
	"strconv"
	"strings"

	"github.com/refit-dev/refit/internal/kubeapi"
	"github.com/refit-dev/refit/internal/yamldoc"
)

// errorFinding turns an error about file into a finding of rule at the
// line the error names ("file:LINE: message").
func errorFinding(rule, file string, err error) kubeapi.Finding {
	f := kubeapi.Finding{Rule: rule, Severity: kubeapi.Error, File: file, Message: err.Error()}
	var ye *yamldoc.Error
	if errors.As(err, &ye) && ye.File == file {
		f.Line, f.Message = ye.Line, ye.Msg
		return f
	}
	rest, ok := strings.CutPrefix(f.Message, file+":")
	if !ok {
		return f
	}
	if msg, ok := strings.CutPrefix(rest, " "); ok {
		f.Message = msg
	} else if n, msg, ok := strings.Cut(rest, ": "); ok {
		if line, err := strconv.Atoi(n); err == nil && line > 0 {
			f.Line, f.Message = line, msg
		}
	}
	return f
}
