"""Formatting cases that a mutation run (mutmut, issue 14) showed no test pinned down.

Each test names a figure a reader would see wrong if `report.format` changed: a sign, a
separator, a bound, a digit. The expected strings are worked out by hand from the rules in
the module docstring (Vietnamese "1.340" / "0,50", English "1,340" / "0.50", U+2212 minus).
"""

from __future__ import annotations

import math

from wardstudy.report import format as fmt

INF = float("inf")
NAN = float("nan")


# ------------------------------------------------------------------ numbers and signs

def test_an_open_interval_end_prints_as_infinity_with_its_sign():
    # The exact rate-ratio interval is (x, inf) when the baseline had no case: it must read
    # "∞", never "−∞", and a negative infinity keeps its minus sign.
    assert fmt.fmt_number(INF) == "∞"
    assert fmt.fmt_number(-INF) == "−∞"
    assert fmt.fmt_interval("ratio", 0.5, INF) == "0,50 – ∞"


def test_a_negative_value_that_rounds_to_zero_has_no_minus_sign():
    # -0.004 shown with 2 decimals is 0,00: "−0,00" (or "−0" cases, "−0,0%") reads as a fall.
    assert fmt.fmt_number(-0.004, 2) == "0,00"
    assert fmt.fmt_change(-0.3) == "0"
    assert fmt.fmt_share(-0.0004) == "0,0%"
    assert fmt.fmt_number(-0.006, 2) == "−0,01"  # one that does not round to zero keeps it


def test_changes_of_one_case_and_of_thousands_are_signed_with_the_languages_separators():
    # +1 is a rise (the sign starts above 0, not above 1); thousands group with "." in
    # Vietnamese, the default, and "," in English.
    assert fmt.fmt_change(1) == "+1"
    assert fmt.fmt_change(1340) == "+1.340"
    assert fmt.fmt_change(-1500) == "−1.500"
    assert fmt.fmt_change(1340, lang="en") == "+1,340"


def test_case_counts_of_ten_or_more_use_the_languages_thousands_separator():
    # Vietnamese pads below 10 ("07 vụ") and groups thousands with a dot; English with a comma.
    assert fmt.fmt_cases(1340) == "1.340"
    assert fmt.fmt_cases(1340, "en") == "1,340"
    assert fmt.fmt_cases(0) == "00"


def test_a_fraction_in_english_groups_both_numbers_with_commas():
    assert fmt.fmt_fraction(1340, 1500, "en") == "1,340 / 1,500"


def test_no_change_in_percent_is_unsigned_and_a_missing_count_gives_no_percentage():
    # 4 -> 4 is 0,0%, not "+0,0%"; 4 -> 0 is −100,0% (by hand: (0 - 4) / 4).
    assert fmt.fmt_percent_change(4, 4) == "0,0%"
    assert fmt.fmt_percent_change(0, 4) == "−100,0%"
    assert fmt.fmt_percent_change(None, 4) == "—"


# ------------------------------------------------------------------ p-values

def test_a_p_of_exactly_one_in_a_thousand_is_not_written_below_it():
    # "p < 0,001" claims p is below 0.001; 0.001 itself reads with two significant figures.
    assert fmt.fmt_p(0.001) == "p = 0,0010"
    assert fmt.fmt_p(0.00099) == "p < 0,001"


def test_a_p_of_one_has_two_decimals_like_every_p_from_01_up():
    # No change at all gives p = 1 in the exact test; it reads "1,00" like "0,30", not "1,0".
    assert fmt.fmt_p(1.0) == "p = 1,00"


def test_a_p_of_exactly_005_reads_with_two_significant_figures():
    # The digits loop runs only for p below 0.05 that would round up to it (0.0496).
    assert fmt.fmt_p(0.05) == "p = 0,050"


def test_a_p_just_above_its_floor_is_given_enough_decimals_not_to_read_below_it():
    # Floor 1/7 = 0.142857 (six comparison units). p = 0.1444 at two decimals is "0,14",
    # below the floor; three decimals, "0,144", is the first that is not.
    assert fmt.fmt_p(0.1444, min_p=1 / 7) == "p = 0,144"


def test_a_floor_with_four_decimals_is_written_exactly_and_an_inexact_one_with_approx():
    # 15 comparison units: the floor is 1/16 = 0.0625, exact at four decimals (issue 22: never a
    # rounded figure after "="). 1/9 = 0.1111...: "≈" and the nearest, not "= 0,112".
    assert fmt.fmt_p(1 / 16, min_p=1 / 16) == "p = 1/16 = 0,0625"
    assert fmt.fmt_p(1 / 9, min_p=1 / 9) == "p = 1/9 ≈ 0,111"  # decimal comma on a vi page


def test_a_randomisation_p_of_k_over_n_is_approximated_to_the_nearest_three_decimals():
    # 13/14 = 0.928571...: "≈ 0,929" (not 0,930, not 0,928); 5/6 = 0.8333...: "≈ 0,833", never "= 0,834".
    assert fmt.fmt_p(13 / 14, n_assignments=14) == "p = 13/14 ≈ 0,929"
    assert fmt.fmt_p(5 / 6, n_assignments=6) == "p = 5/6 ≈ 0,833"
    assert fmt.fmt_p(5 / 6, n_assignments=6, lang="en") == "p = 5/6 ≈ 0.833"
    # 1/21 = 0.0476 is below 0.05 and reads so at three decimals.
    assert fmt.fmt_p(1 / 21, n_assignments=21) == "p = 1/21 ≈ 0,048"


def test_no_assignments_means_no_randomisation_fraction():
    # n_assignments = 0 (no comparison unit) cannot give "k/0"; the p reads as a plain p.
    assert fmt.fmt_p(0.3, n_assignments=0) == "p = 0,30"


# ------------------------------------------------------------------ values and intervals by kind

def test_only_the_criteria_score_is_written_as_a_fraction():
    # A share with a numerator and denominator still reads as a percentage; the criteria
    # score reads "21/22 (95.5%)" with the page's decimal point in English.
    assert fmt.fmt_value("share", 0.9, 9, 10) == "90,0%"
    assert fmt.fmt_value("criteria", 21 / 22, 21, 22, lang="en") == "21/22 (95.5%)"


def test_a_kind_the_formatter_does_not_know_reads_as_a_count():
    assert fmt.fmt_value("stock", 1340) == "1.340"


def test_a_criteria_interval_reads_in_percent_and_half_an_interval_is_none():
    assert fmt.fmt_interval("criteria", 0.9, 1.0) == "90,0% – 100,0%"
    assert fmt.fmt_interval("ratio", 0.5, None) == "—"
    assert fmt.fmt_interval("ratio", NAN, 2.0) == "—"


# ------------------------------------------------------------------ dates and ranks

def test_dates_that_are_blank_missing_or_timestamps():
    assert fmt.fmt_date("") == "—"
    assert fmt.fmt_date("   ") == "—"
    assert fmt.fmt_date(NAN) == "—"
    assert fmt.fmt_date("2025-06-30T08:00:00") == "30/06/2025"  # the time of day is dropped


def test_a_missing_rank_is_a_dash():
    assert fmt.fmt_rank(None, 8) == "—"
    assert fmt.fmt_rank(3, math.nan) == "—"
