// Median of a slice of a Float64Array by selection (Hoare quickselect), O(n) on average: sorting
// every timestep's column of 512 values would cost a log factor more for one order statistic.

/**
 * Median of `values[from..to)` (to > from, no NaN). Reorders that slice in place; the caller
 * owns it as scratch space. An even count gives the mean of the two middle values.
 */
export function medianInPlace(values: Float64Array, from: number, to: number): number {
  const n = to - from;
  const upper = from + (n >> 1);
  select(values, from, to - 1, upper);
  const hi = values[upper]!;
  if (n & 1) return hi;
  // After selection everything left of `upper` is ≤ it, so the lower middle is their maximum.
  let lo = values[from]!;
  for (let i = from + 1; i < upper; i++) {
    const v = values[i]!;
    if (v > lo) lo = v;
  }
  return (lo + hi) / 2;
}

/** Places the k-th smallest of values[left..right] at index k, smaller ones left of it. */
function select(values: Float64Array, left: number, right: number, k: number): void {
  while (right > left) {
    if (right - left < 16) {
      insertionSort(values, left, right);
      return;
    }
    // Median of three keeps sorted and reversed runs (common in metrics) from going quadratic.
    const mid = (left + right) >>> 1;
    const a = values[left]!;
    const b = values[mid]!;
    const c = values[right]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = left;
    let j = right;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    // Now values[left..j] ≤ pivot ≤ values[i..right], and anything strictly between equals pivot.
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return;
  }
}

function insertionSort(values: Float64Array, left: number, right: number): void {
  for (let i = left + 1; i <= right; i++) {
    const v = values[i]!;
    let j = i - 1;
    while (j >= left && values[j]! > v) {
      values[j + 1] = values[j]!;
      j--;
    }
    values[j + 1] = v;
  }
}
