package netlimit

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/smithy-go"
)

// Message is err's text, without the AWS SDK's "operation error S3:
// ListObjectsV2, " before a *NoAnswerError, which names the operation
// itself.
func Message(err error) string {
	s := err.Error()
	var oe *smithy.OperationError
	var na *NoAnswerError
	if errors.As(err, &oe) && errors.As(oe.Err, &na) {
		s = strings.Replace(s, fmt.Sprintf("operation error %s: %s, ", oe.ServiceID, oe.OperationName), "", 1)
	}
	return s
}

// KubeTimeout is the whole-load bound for the kube readers from --timeout
// d: their own default (0) unless the flag was given, none (negative) for
// --timeout 0.
func KubeTimeout(given bool, d time.Duration) time.Duration {
	switch {
	case !given:
		return 0
	case d == 0:
		return -1
	}
	return d
}
