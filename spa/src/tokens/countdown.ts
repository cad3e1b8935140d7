/** "4 min 05 s left" / "expired 12 s ago": how a learner reads a token's `exp`. */
export function describeExpiry(
  expSeconds: number,
  nowMs: number,
): { text: string; expired: boolean } {
  const leftMs = expSeconds * 1000 - nowMs;
  if (leftMs <= 0) return { text: `expired ${formatDuration(-leftMs / 1000)} ago`, expired: true };
  return { text: `expires in ${formatDuration(leftMs / 1000)}`, expired: false };
}

export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (hours > 0) return `${hours} h ${pad(minutes)} min ${pad(seconds)} s`;
  if (minutes > 0) return `${minutes} min ${pad(seconds)} s`;
  return `${seconds} s`;
}
