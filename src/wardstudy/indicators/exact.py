"""Exact intervals and tests for small counts, vectorised over arrays of wards.

Monthly and yearly ward counts are small (often 0-30), where normal approximations
mislead. Everything here is exact: Clopper-Pearson for shares, Garwood for a single
Poisson count, and the conditional binomial argument for the ratio of two Poisson
rates (the method of R's ``poisson.test``).

All functions accept scalars or array-likes and broadcast them with numpy; they
return numpy arrays (0-d for scalar input) so callers can put them straight into
DataFrame columns.
"""

from __future__ import annotations

import numpy as np

# scipy.stats is imported where it is used, not here: this module comes with the indicator
# registry, whose labels the batch's main process needs for the index page, and importing
# scipy.stats costs 1.4 s there for nothing (`python -X importtime`).

__all__ = [
    "as_counts",
    "clopper_pearson",
    "poisson_count_interval",
    "rate_ratio_interval",
    "rate_ratio_p_value",
]


def as_counts(values, name: str = "count") -> np.ndarray:
    """Return `values` as a float array of whole, non-negative counts.

    Counts often arrive as floats (``13.0`` from a spreadsheet); those are accepted.
    A fractional or negative value is refused, because an exact test of a count
    that is not a count has no meaning.

    Parameters
    ----------
    values : float or array_like
        Counts, possibly as floats; NaN (missing) is kept.
    name : str, optional
        What the values are, as named in the error.

    Returns
    -------
    numpy.ndarray
        The values as floats.

    Raises
    ------
    ValueError
        A value is fractional or negative.

    Examples
    --------
    >>> as_counts([3, 4.0]).tolist()
    [3.0, 4.0]
    """
    arr = np.asarray(values, dtype=float)
    bad = ~np.isnan(arr) & ((arr < 0) | (arr != np.round(arr)))
    if np.any(bad):
        first = arr[bad].flat[0]
        raise ValueError(f"{name} must be a whole number >= 0, got {first!r}")
    return arr


def clopper_pearson(successes, trials, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Clopper-Pearson) confidence interval for a share successes / trials.

    low  = Beta(alpha/2; x, n - x + 1)   (0 when x = 0)
    high = Beta(1 - alpha/2; x + 1, n - x)   (1 when x = n)
    Unit: fraction (0-1). Where trials = 0 both ends are NaN (no evidence).

    Parameters
    ----------
    successes : int or array_like
        Whole counts x.
    trials : int or array_like
        Whole counts n >= x, broadcast with `successes`.
    alpha : float, optional
        One minus the confidence level (0.05: a 95% interval).

    Returns
    -------
    tuple of (numpy.ndarray, numpy.ndarray)
        The lower and upper limits (fractions).

    Examples
    --------
    >>> low, high = clopper_pearson(10, 10)
    >>> round(float(low), 4), float(high)
    (0.6915, 1.0)
    """
    from scipy import stats

    x = as_counts(successes, "successes")
    n = as_counts(trials, "trials")
    x, n = np.broadcast_arrays(x, n)
    with np.errstate(invalid="ignore", divide="ignore"):
        low = np.where(x > 0, stats.beta.ppf(alpha / 2, x, n - x + 1), 0.0)
        high = np.where(x < n, stats.beta.ppf(1 - alpha / 2, x + 1, n - x), 1.0)
    empty = (n == 0) | np.isnan(n) | np.isnan(x)
    low = np.where(empty, np.nan, low)
    high = np.where(empty, np.nan, high)
    return low, high


def poisson_count_interval(count, alpha: float = 0.05) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) confidence interval for the mean of a Poisson count.

    low  = chi2(alpha/2; 2x) / 2   (0 when x = 0)
    high = chi2(1 - alpha/2; 2x + 2) / 2
    Unit: the count's own (cases per period of the count).

    Parameters
    ----------
    count : int or array_like
        Whole counts x.
    alpha : float, optional
        One minus the confidence level (0.05: a 95% interval).

    Returns
    -------
    tuple of (numpy.ndarray, numpy.ndarray)
        The lower and upper limits for the mean count.

    Examples
    --------
    >>> low, high = poisson_count_interval(12)
    >>> round(float(low), 3), round(float(high), 3)
    (6.201, 20.962)
    """
    from scipy import stats

    x = as_counts(count)
    with np.errstate(invalid="ignore"):
        low = np.where(x > 0, stats.chi2.ppf(alpha / 2, 2 * x) / 2, 0.0)
        high = stats.chi2.ppf(1 - alpha / 2, 2 * x + 2) / 2
    return low, high


def rate_ratio_interval(
    after, before, after_exposure=1.0, before_exposure=1.0, alpha: float = 0.05
) -> tuple[np.ndarray, np.ndarray]:
    """Exact conditional interval for the rate ratio (after / after_exposure) / (before / before_exposure).

    Given the total n = after + before, `after` is Binomial(n, p) with
    p = RR * e_a / (RR * e_a + e_b). The Clopper-Pearson interval for p is mapped back:
    RR = p / (1 - p) * e_b / e_a. A zero count gives a one-sided interval (0 or inf);
    both counts zero gives NaN (no information).

    Parameters
    ----------
    after, before : int or array_like
        Whole counts of the two periods.
    after_exposure, before_exposure : float or array_like, optional
        The person-time (or residents) each count is over; equal by default.
    alpha : float, optional
        One minus the confidence level (0.05: a 95% interval).

    Returns
    -------
    tuple of (numpy.ndarray, numpy.ndarray)
        The lower and upper limits of the rate ratio.

    Examples
    --------
    >>> low, high = rate_ratio_interval(11, 21, 800, 3011)
    >>> round(float(low), 4), round(float(high), 4)
    (0.8584, 4.2773)
    """
    a = as_counts(after, "after")
    b = as_counts(before, "before")
    e_a = np.asarray(after_exposure, dtype=float)
    e_b = np.asarray(before_exposure, dtype=float)
    p_low, p_high = clopper_pearson(a, a + b, alpha)
    scale = e_b / e_a
    with np.errstate(divide="ignore", invalid="ignore"):
        low = p_low / (1 - p_low) * scale
        high = np.where(p_high >= 1, np.inf, p_high / (1 - p_high) * scale)
    return low, high


def _minlike_p(x: float, n: float, p: float) -> float:
    from scipy import stats

    if np.isnan(x) or np.isnan(n) or n == 0:
        return np.nan
    return stats.binomtest(int(x), int(n), p, alternative="two-sided").pvalue


def rate_ratio_p_value(after, before, after_exposure=1.0, before_exposure=1.0, ratio=1.0) -> np.ndarray:
    """Exact conditional two-sided p-value for H0: rate ratio = `ratio`.

    Under H0, after | after + before ~ Binomial(n, p0) with
    p0 = ratio * e_a / (ratio * e_a + e_b); the p-value sums the probabilities of all
    outcomes no more likely than the one observed ("minlike", as R's ``binom.test``
    and ``poisson.test``). Unit: probability.

    Parameters
    ----------
    after, before : int or array_like
        Whole counts of the two periods.
    after_exposure, before_exposure : float or array_like, optional
        The person-time (or residents) each count is over; equal by default.
    ratio : float, optional
        The rate ratio under the null hypothesis.

    Returns
    -------
    numpy.ndarray
        The two-sided p-values (NaN where both counts are zero).

    Examples
    --------
    >>> round(float(rate_ratio_p_value(11, 21, 800, 3011)), 4)
    0.0797
    >>> round(float(rate_ratio_p_value(13, 20)), 3)
    0.296
    """
    a = as_counts(after, "after")
    b = as_counts(before, "before")
    e_a = np.asarray(after_exposure, dtype=float)
    e_b = np.asarray(before_exposure, dtype=float)
    p0 = ratio * e_a / (ratio * e_a + e_b)
    a, b, p0 = np.broadcast_arrays(a, b, p0)
    # binomtest is scalar-only. Ward counts repeat a lot (small numbers), so each distinct
    # (after, total, p0) is tested once and the results are spread back.
    cases = np.stack([a.ravel(), (a + b).ravel(), p0.ravel()], axis=1)
    if cases.size == 0:
        return np.zeros(a.shape, dtype=float)
    distinct, where = np.unique(cases, axis=0, return_inverse=True)
    tested = np.array([_minlike_p(x, n, q) for x, n, q in distinct], dtype=float)
    return tested[where.ravel()].reshape(a.shape)
