/** The first index in [lo, arr.length) whose value is not below `value` (arr ascending). */
export function lowerBoundU32(arr: Uint32Array, value: number, lo = 0): number {
  let hi = arr.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (arr[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
