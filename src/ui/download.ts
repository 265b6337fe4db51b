/** Saves bytes, text or a ready Blob as a file through a temporary object URL (no network involved). */
export function downloadFile(fileName: string, data: string | Uint8Array | Blob, mime: string): void {
  const blob =
    data instanceof Blob
      ? data
      : new Blob([typeof data === 'string' ? data : (data.slice().buffer as ArrayBuffer)], { type: mime });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // Revoke later: some browsers start reading the blob asynchronously after click().
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function dateStamp(unixMs: number): string {
  const d = new Date(unixMs);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}_${p(d.getHours())}${p(d.getMinutes())}`;
}
