import type { RecoveryReport } from '../shared/persistence-api.ts';
import { formatBytes } from './format.ts';

interface Props {
  report: RecoveryReport;
  onOpen: (sessionId: string) => void;
  onDismiss: () => void;
}

/** Shown after start-up recovered sessions of a crashed tab (or skipped damaged bytes). */
export function RecoveryBanner({ report, onOpen, onDismiss }: Props) {
  const count = report.recovered.length;
  const skippedBytes = report.skipped.reduce((sum, s) => sum + s.length, 0);
  const uncertain = report.recovered.filter((r) => r.uncertain).length;
  return (
    <div class="banner recovery" role="status">
      <p>
        {count > 0
          ? `Recovered ${count} session${count === 1 ? '' : 's'} after an unexpected shutdown.`
          : 'Recovered the transcript log after an unexpected shutdown.'}
        {uncertain > 0 &&
          ` ${uncertain} end${uncertain === 1 ? 's' : ''} with text that may be incomplete (marked uncertain).`}
        {report.skipped.length > 0 &&
          ` ${report.skipped.length} damaged part${report.skipped.length === 1 ? '' : 's'} of the log (${formatBytes(skippedBytes)}) could not be read and ${report.skipped.length === 1 ? 'was' : 'were'} skipped.`}
      </p>
      <button type="button" class="dismiss" onClick={onDismiss}>
        Dismiss
      </button>
      {count > 0 && (
        <ul class="recovered-list">
          {report.recovered.map((r) => (
            <li key={r.id}>
              <button type="button" class="link" onClick={() => onOpen(r.id)}>
                {r.title || 'Untitled session'}
              </button>{' '}
              <span class="muted">
                ({r.finals} utterance{r.finals === 1 ? '' : 's'}
                {r.uncertain ? ' and an unfinished one marked uncertain' : ''})
              </span>
            </li>
          ))}
        </ul>
      )}
      {report.skipped.length > 0 && (
        <details>
          <summary>Skipped damaged bytes</summary>
          <ul class="skipped-list">
            {report.skipped.map((s, i) => (
              <li key={i}>
                <code>{s.file}</code> at byte {s.offset}: {formatBytes(s.length)} — {s.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}
