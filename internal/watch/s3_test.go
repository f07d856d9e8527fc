package watch

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/refit-dev/refit/internal/golden"
)

// TestOnceS3MinIO: with bill.source an s3:// prefix on MinIO
// (scripts/minio.sh) and bill.endpointURL, --once reads the exports from
// the bucket and sends the same daily report and budget alert as from a
// directory.
func TestOnceS3MinIO(t *testing.T) {
	ep := os.Getenv("REFIT_TEST_S3_ENDPOINT")
	if ep == "" {
		t.Skip("REFIT_TEST_S3_ENDPOINT unset; run ./scripts/minio.sh install && ./scripts/minio.sh start && eval \"$(./scripts/minio.sh env)\"")
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	client := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(ep), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider(os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), "")})
	bucket := "refit-watch-" + strconv.FormatInt(time.Now().UnixNano(), 36)
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatalf("create bucket: %v", err)
	}
	// The example exports, as a CUR export lays them out.
	dir := t.TempDir()
	writeExports(t, filepath.Join(dir, "exports"))
	data, err := os.ReadFile(filepath.Join(dir, "exports", "cur-2026-10.csv"))
	if err != nil {
		t.Fatal(err)
	}
	for key, body := range map[string][]byte{"cur/2026-10/cur-2026-10.csv": data, "other/ignored.csv": []byte("not an export")} {
		if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: &bucket, Key: aws.String(key), Body: bytes.NewReader(body)}); err != nil {
			t.Fatalf("put %s: %v", key, err)
		}
	}
	slack := newFakeSlack(t)
	cfg := loadConfig(t, writeConfig(t, dir, strings.Replace(billConfig, "source: ./exports/,",
		"source: \"s3://"+bucket+"/cur/\", endpointURL: \""+ep+"\", region: us-east-1,", 1)), slack.webhook())
	if cfg.Bill.Source != "s3://"+bucket+"/cur/" {
		t.Fatalf("bill.source %q", cfg.Bill.Source)
	}
	var logs logBuffer
	d := newTestDaemon(t, cfg, Options{Log: logs.logger()})
	if err := d.Once(ctx); err != nil {
		t.Fatalf("%v\n%s", err, logs.String())
	}
	msgs := slack.messages()
	if len(msgs) != 2 {
		t.Fatalf("got %d messages, want the report and one budget alert: %q", len(msgs), slack.texts())
	}
	golden.AssertJSON(t, "testdata/report.golden.json", msgs[0])
	golden.AssertJSON(t, "testdata/budget.golden.json", msgs[1])
	if k := os.Getenv("AWS_SECRET_ACCESS_KEY"); k != "" && strings.Contains(logs.String(), k) {
		t.Error("the secret key was logged")
	}
}
