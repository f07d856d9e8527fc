package watch

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go
)

// Alert is one message to Slack. Its key (kind, subject, period) is what
// makes it once-only: the outbox never holds two alerts with one key.
type Alert struct {
	// Kind is what the alert is about: report, budget, anomaly, probe-down,
	// probe-up, churn, check-failed.
	Kind string
	// Subject is what it names (a budget, a probe, a series).
	Subject string
	// Period is when (a day, a month, an outage's start).
	Period string
	// Payload is the Slack message (JSON), built once, so a resend after a
	// crash sends the same bytes.
	Payload []byte
}

// Key is the alert's identity.
func (a Alert) Key() string { return a.Kind + "|" + a.Subject + "|" + a.Period }

// Store is watch's state: the alert outbox and small key-value state, in one
// SQLite file. Every write is one transaction, synced before it returns.
type Store struct {
	db *sql.DB
}

const schema = `
CREATE TABLE IF NOT EXISTS alerts (
	key      TEXT PRIMARY KEY,
	kind     TEXT NOT NULL,
	subject  TEXT NOT NULL,
	period   TEXT NOT NULL,
	payload  BLOB NOT NULL,
	created  INTEGER NOT NULL,
	sent     INTEGER,
	attempts INTEGER NOT NULL DEFAULT 0,
	error    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS alerts_pending ON alerts(sent) WHERE sent IS NULL;
CREATE TABLE IF NOT EXISTS state (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);`

// OpenStore opens (creating if needed) the state file at path.
func OpenStore(ctx context.Context, path string) (*Store, error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return nil, fmt.Errorf("state %s: %w", path, err)
		}
	}
	// WAL keeps readers and the writer apart; synchronous=FULL syncs each
	// commit, so "sent" survives a power cut as well as kill -9.
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=busy_timeout(10000)&_txlock=immediate"
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("state %s: %w", path, err)
	}
	db.SetMaxOpenConns(1)
	if _, err := db.ExecContext(ctx, schema); err != nil {
		db.Close()
		return nil, fmt.Errorf("state %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Close closes the file.
func (s *Store) Close() error { return s.db.Close() }

// Enqueue writes a to the outbox unless an alert with its key is there
// already (pending or sent), and applies sets (state keys and values, ""
// deleting) in the same transaction; it reports whether a was new. The
// sets are applied either way.
func (s *Store) Enqueue(ctx context.Context, a Alert, now time.Time, sets ...string) (bool, error) {
	if len(sets)%2 != 0 {
		return false, fmt.Errorf("state: enqueue %s: odd sets", a.Key())
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("state: enqueue %s: %w", a.Key(), err)
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx,
		`INSERT INTO alerts(key, kind, subject, period, payload, created) VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING`,
		a.Key(), a.Kind, a.Subject, a.Period, a.Payload, now.UnixNano())
	if err != nil {
		return false, fmt.Errorf("state: enqueue %s: %w", a.Key(), err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, err
	}
	for i := 0; i < len(sets); i += 2 {
		if err := set(ctx, tx, sets[i], sets[i+1]); err != nil {
			return false, err
		}
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("state: enqueue %s: %w", a.Key(), err)
	}
	return n == 1, nil
}

// Pending lists the alerts not yet marked sent, oldest first.
func (s *Store) Pending(ctx context.Context) ([]Alert, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kind, subject, period, payload FROM alerts WHERE sent IS NULL ORDER BY rowid`)
	if err != nil {
		return nil, fmt.Errorf("state: pending: %w", err)
	}
	defer rows.Close()
	var out []Alert
	for rows.Next() {
		var a Alert
		if err := rows.Scan(&a.Kind, &a.Subject, &a.Period, &a.Payload); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// MarkSent records that Slack accepted the alert: one UPDATE, the only
// local write between Slack's 2xx and the alert being safe from a resend.
func (s *Store) MarkSent(ctx context.Context, key string, now time.Time) error {
	_, err := s.db.ExecContext(ctx, `UPDATE alerts SET sent = ?, attempts = attempts + 1, error = '' WHERE key = ?`, now.UnixNano(), key)
	if err != nil {
		return fmt.Errorf("state: mark %s sent: %w", key, err)
	}
	return nil
}

// MarkFailed records a failed attempt (the alert stays pending).
func (s *Store) MarkFailed(ctx context.Context, key string, reason string) error {
	_, err := s.db.ExecContext(ctx, `UPDATE alerts SET attempts = attempts + 1, error = ? WHERE key = ?`, reason, key)
	return err
}

// Counts are the outbox's pending and sent alerts.
func (s *Store) Counts(ctx context.Context) (pending, sent int, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT COUNT(*) - COUNT(sent), COUNT(sent) FROM alerts`).Scan(&pending, &sent)
	return
}

// Get reads a state value ("" when unset).
func (s *Store) Get(ctx context.Context, key string) (string, error) {
	var v string
	err := s.db.QueryRowContext(ctx, `SELECT value FROM state WHERE key = ?`, key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return v, err
}

// Set writes a state value; "" deletes it.
func (s *Store) Set(ctx context.Context, key, value string) error {
	return set(ctx, s.db, key, value)
}

type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func set(ctx context.Context, db execer, key, value string) error {
	var err error
	if value == "" {
		_, err = db.ExecContext(ctx, `DELETE FROM state WHERE key = ?`, key)
	} else {
		_, err = db.ExecContext(ctx, `INSERT INTO state(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, value)
	}
	if err != nil {
		return fmt.Errorf("state: set %s: %w", key, err)
	}
	return nil
}
