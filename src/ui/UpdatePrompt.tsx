import type { UpdateHandle } from './sw-register.ts';

interface Props {
  update: UpdateHandle;
  recording: boolean;
  onLater: () => void;
}

export function UpdatePrompt({ update, recording, onLater }: Props) {
  return (
    <div class="banner update" role="alert">
      <p>
        A new version of Scribe Vault is ready.
        {recording ? ' Stop recording first, then reload to update.' : ' Reload to use it.'}
      </p>
      <div class="buttons">
        <button type="button" class="primary" disabled={recording} onClick={() => update.apply()}>
          Reload to update
        </button>
        <button type="button" onClick={onLater}>
          Later
        </button>
      </div>
    </div>
  );
}
