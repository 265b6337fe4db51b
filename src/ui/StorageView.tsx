import { useCallback, useEffect, useState } from 'preact/hooks';
import type { AuditEntry, StorageStats } from '../shared/persistence-api.ts';
import type { PersistenceClient } from '../shared/persistence-client.ts';
import { downloadDiagnostics } from './export-actions.ts';
import { formatAge, formatBytes, formatDateTime } from './format.ts';

const AUDIT_PAGE = 50;
const RETENTION_CHOICES: Array<{ days: number | null; label: string }> = [
  { days: null, label: 'Keep forever' },
  { days: 7, label: '7 days' },
  { days: 30, label: '30 days' },
  { days: 90, label: '90 days' },
  { days: 365, label: '1 year' },
];

const AUDIT_LABELS: Record<AuditEntry['action'], string> = {
  created: 'Created',
  stopped: 'Stopped',
  recovered: 'Recovered',
  renamed: 'Renamed',
  exported: 'Exported',
  imported: 'Imported',
  deleted: 'Deleted',
  'retention-deleted': 'Deleted by retention',
  reconciled: 'Index repaired',
};

function percentOf(part: number, whole: number): string {
  if (whole <= 0) return '—';
  const pct = (part / whole) * 100;
  if (pct > 0 && pct < 0.01) return 'under 0.01 %';
  return `${pct < 10 ? pct.toFixed(2) : pct.toFixed(0)} %`;
}

function formatMs(ms: number): string {
  return ms < 1 ? `${ms.toFixed(2)} ms` : `${ms.toFixed(1)} ms`;
}

export function StorageView({ client }: { client: PersistenceClient }) {
  const [stats, setStats] = useState<StorageStats | null>(null);
  const [audit, setAudit] = useState<AuditEntry[]>([]);
  const [auditDone, setAuditDone] = useState(false);
  const [message, setMessage] = useState<{ tone: 'ok' | 'error'; text: string } | null>(null);

  const refresh = useCallback(async () => {
    try {
      setStats(await client.storageStats());
    } catch (error) {
      setMessage({ tone: 'error', text: `Could not read storage statistics: ${(error as Error).message}` });
    }
  }, [client]);

  const loadAudit = useCallback(
    async (offset: number) => {
      try {
        const page = await client.auditLog(offset, AUDIT_PAGE);
        setAudit((old) => (offset === 0 ? page : [...old, ...page]));
        setAuditDone(page.length < AUDIT_PAGE);
      } catch (error) {
        setMessage({ tone: 'error', text: `Could not read the audit log: ${(error as Error).message}` });
      }
    },
    [client],
  );

  useEffect(() => {
    void refresh();
    void loadAudit(0);
    const timer = setInterval(() => void refresh(), 2000);
    return () => clearInterval(timer);
  }, [refresh, loadAudit]);

  const requestPersistence = async () => {
    const granted = await client.requestPersistence();
    setMessage(
      granted
        ? {
            tone: 'ok',
            text: 'Storage is now persistent: the browser will not evict it under storage pressure.',
          }
        : {
            tone: 'error',
            text: 'The browser did not grant persistent storage. Installing the app or bookmarking it often helps.',
          },
    );
    void refresh();
  };

  const setRetention = async (value: string) => {
    const days = value === 'forever' ? null : Number(value);
    try {
      await client.setRetentionDays(days);
      setMessage({
        tone: 'ok',
        text:
          days === null
            ? 'Sessions are kept until you delete them.'
            : `Sessions older than ${days} days are deleted automatically.`,
      });
      void refresh();
      void loadAudit(0);
    } catch (error) {
      setMessage({ tone: 'error', text: `Could not change retention: ${(error as Error).message}` });
    }
  };

  const quota = stats?.quota ?? null;
  const ourBytes = stats ? stats.bytes.wal + stats.bytes.ring + stats.bytes.sessions + stats.bytes.index : 0;

  return (
    <section class="panel storage" aria-labelledby="storage-heading">
      <h2 id="storage-heading">Storage</h2>
      {message && (
        <p
          class={`notice ${message.tone}`}
          role={message.tone === 'error' ? 'alert' : undefined}
          aria-live="polite"
        >
          {message.text}
        </p>
      )}
      {!stats ? (
        <p class="placeholder">Reading storage…</p>
      ) : (
        <>
          <div class="cards">
            <div class="card">
              <h3>Usage</h3>
              {quota ? (
                <>
                  <p class="big">
                    {formatBytes(quota.usage)} <span class="muted">of {formatBytes(quota.quota)}</span>
                  </p>
                  <meter
                    min={0}
                    max={quota.quota}
                    value={quota.usage}
                    high={quota.quota * 0.9}
                    aria-label="Storage used"
                  />
                  <p class="muted">{percentOf(quota.usage, quota.quota)} of the quota this browser allows</p>
                </>
              ) : (
                <p>This browser does not report usage and quota.</p>
              )}
            </div>
            <div class="card">
              <h3>Persistent storage</h3>
              <p class="big">
                {stats.persisted === true
                  ? 'Persistent'
                  : stats.persisted === false
                    ? 'Best effort'
                    : 'Unknown'}
              </p>
              <p class="muted">
                {stats.persisted
                  ? 'The browser will not clear this data to free space.'
                  : 'The browser may clear this data when the disk is low.'}
              </p>
              {!stats.persisted && (
                <button type="button" onClick={() => void requestPersistence()}>
                  Request persistent storage
                </button>
              )}
            </div>
            <div class="card">
              <h3>Saving</h3>
              <p>
                Last saved: {stats.lastFlushAt ? formatAge(Date.now() - stats.lastFlushAt) : 'not yet'}
                <br />
                Flush latency: {formatMs(stats.flushLatencyMs.median)} median,{' '}
                {formatMs(stats.flushLatencyMs.max)} max ({stats.flushLatencyMs.count} flushes)
                <br />
                Waiting to be saved: {stats.pendingRecords}
                {stats.ringOverflows > 0 && (
                  <>
                    <br />
                    Ring buffer overflows: {stats.ringOverflows}
                  </>
                )}
              </p>
            </div>
          </div>
          <h3>Bytes by kind</h3>
          <table class="kinds">
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">Size</th>
                <th scope="col">What it holds</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">Write-ahead log</th>
                <td>{formatBytes(stats.bytes.wal)}</td>
                <td>
                  {stats.walSegments} segment{stats.walSegments === 1 ? '' : 's'} of recent records, written
                  on arrival
                </td>
              </tr>
              <tr>
                <th scope="row">Ring buffer</th>
                <td>{formatBytes(stats.bytes.ring)}</td>
                <td>Latest text of open sessions for fast recovery</td>
              </tr>
              <tr>
                <th scope="row">Session files</th>
                <td>{formatBytes(stats.bytes.sessions)}</td>
                <td>Finished transcripts</td>
              </tr>
              <tr>
                <th scope="row">Index</th>
                <td>{formatBytes(stats.bytes.index)}</td>
                <td>Session list and audit log (no transcript text)</td>
              </tr>
              <tr>
                <th scope="row">Total</th>
                <td>{formatBytes(ourBytes)}</td>
                <td>
                  {stats.records.written} records ({stats.records.finals} finals, {stats.records.partials}{' '}
                  partials) this run
                </td>
              </tr>
            </tbody>
          </table>
          <div class="row">
            <label class="field">
              <span>Delete sessions older than</span>
              <select
                value={stats.retentionDays === null ? 'forever' : String(stats.retentionDays)}
                onChange={(e) => void setRetention((e.currentTarget as HTMLSelectElement).value)}
              >
                {RETENTION_CHOICES.map((c) => (
                  <option key={c.label} value={c.days === null ? 'forever' : String(c.days)}>
                    {c.label}
                  </option>
                ))}
                {stats.retentionDays !== null &&
                  !RETENTION_CHOICES.some((c) => c.days === stats.retentionDays) && (
                    <option value={String(stats.retentionDays)}>{stats.retentionDays} days</option>
                  )}
              </select>
            </label>
            <button
              type="button"
              onClick={() =>
                void downloadDiagnostics(client).then(
                  (text) => setMessage({ tone: 'ok', text }),
                  (e: Error) => setMessage({ tone: 'error', text: `Diagnostics failed: ${e.message}` }),
                )
              }
            >
              Download diagnostics
            </button>
          </div>
        </>
      )}
      <h3>Audit log</h3>
      <p class="muted">What happened to your sessions and when. It never contains transcript text.</p>
      <div class="table-scroll">
        <table class="audit">
          <thead>
            <tr>
              <th scope="col">When</th>
              <th scope="col">Action</th>
              <th scope="col">Session</th>
              <th scope="col">Outcome</th>
              <th scope="col">Details</th>
            </tr>
          </thead>
          <tbody>
            {audit.map((entry, i) => (
              <tr key={entry.id ?? i}>
                <td>{formatDateTime(entry.at)}</td>
                <td>{AUDIT_LABELS[entry.action] ?? entry.action}</td>
                <td>
                  <code>{entry.sessionId ? entry.sessionId.slice(0, 12) : '—'}</code>
                </td>
                <td class={entry.outcome === 'error' ? 'error-text' : undefined}>{entry.outcome}</td>
                <td>
                  {Object.entries(entry.counts)
                    .map(([k, v]) => `${k}: ${v}`)
                    .join(', ')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {audit.length === 0 && <p class="placeholder">No entries yet.</p>}
      {!auditDone && audit.length > 0 && (
        <button type="button" class="load-more" onClick={() => void loadAudit(audit.length)}>
          Load older entries
        </button>
      )}
    </section>
  );
}
