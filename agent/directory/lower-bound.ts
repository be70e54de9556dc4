/** The first index in [lo, hi) whose value is not below `value` (arr ascending), or hi. */
export function lowerBoundU32(arr: Uint32Array, value: number, lo = 0, hi = arr.length): number {
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
