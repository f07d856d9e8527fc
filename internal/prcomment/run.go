package prcomment

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"
)

// Request is one `refit comment` run, as its flags give it.
type Request struct {
	// Path is the report (- for Stdin).
	Path  string
	Stdin io.Reader
	// Behavior and Tag are --behavior and --tag, unparsed.
	Behavior, Tag string
	// DryRun prints the comment's body instead of posting it.
	DryRun bool
	// Timeout bounds the posting, retries included.
	Timeout time.Duration
	// Options configure the forge client; an empty Token is an error
	// naming TokenEnv (unless DryRun).
	Options  Options
	TokenEnv string
	// NewForge makes the forge, and says where it posts ("acme/shop#42").
	NewForge func(Options) (Forge, string, error)
}

// Run reads and renders the report and posts it as refit's comment for
// the tag (or with DryRun writes the comment's body to out), then says on
// out what it did.
func Run(ctx context.Context, r Request, out io.Writer) error {
	b, err := ParseBehavior(r.Behavior)
	if err != nil {
		return err
	}
	md, err := r.body()
	if err != nil {
		return err
	}
	fg, where, err := r.NewForge(r.Options)
	if err != nil {
		return err
	}
	if r.DryRun {
		_, err := fmt.Fprint(out, Compose(md, r.Tag, fg.Limit()))
		return err
	}
	if r.Options.Token == "" {
		return fmt.Errorf("%s is not set: refit comment needs a token that may write comments on %s", r.TokenEnv, where)
	}
	ctx, cancel := context.WithTimeout(ctx, r.Timeout)
	defer cancel()
	res, err := Post(ctx, fg, md, r.Tag, b)
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("%s comment %d on %s (tag %s)", res.Action, res.Comment.ID, where, r.Tag)
	if res.Deleted > 0 {
		msg += fmt.Sprintf(", deleted %d earlier", res.Deleted)
	}
	if res.Comment.URL != "" {
		msg += ": " + res.Comment.URL
	}
	_, err = fmt.Fprintln(out, msg)
	return err
}

// body checks the tag, then reads and renders the report.
func (r Request) body() (string, error) {
	if err := CheckTag(r.Tag); err != nil {
		return "", err
	}
	if r.Path == "-" {
		md, _, err := ReadReport("stdin", r.Stdin)
		return md, err
	}
	file, err := os.Open(r.Path)
	if err != nil {
		return "", err
	}
	defer file.Close()
	md, _, err := ReadReport(r.Path, file)
	return md, err
}
