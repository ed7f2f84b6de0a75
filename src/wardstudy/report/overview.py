"""The programme overview page: its words (vi/en), tables and figures, each one call from the notebook.

`notebooks/programme_overview.ipynb` holds the order of the page; each block here takes the
programme's rows of the build (`pipeline.programme.ProgrammeReport`, duck-typed) and
returns a display object in the page's language (`report.lang`). Display only: every
number is the build's (the pooled effect, its interval, its p-value and its detectable
effect come from `evaluate.pooled` through the build), every sentence comes from
`CATALOGUE` below (one per language, the same keys), every number is formatted by
`report.format`, tables and figures are shown by `report.pages` in the ward pages' style.
"""

from __future__ import annotations

import pandas as pd
from markupsafe import Markup
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from wardstudy.indicators.registry import REGISTRY
from wardstudy.report import pages
from wardstudy.report import register as _register
from wardstudy.report.calibration import data_calibrated, is_calibrated_row, published_fraction
from wardstudy.data.national_panel import SYNTHETIC_ROLE
from wardstudy.report.format import (MISSING, fmt_change, fmt_date, fmt_interval, fmt_number, fmt_p,
                                     fmt_percent_change, fmt_ratio, fmt_share, fmt_value, is_missing)
from wardstudy.report.plots import HIGHLIGHT, OTHERS, new_figure, set_style
from wardstudy.report.wording import ALPHA, detectable_text, entry, smallest_p_text

NEW_UNITS = -1  # `pipeline.programme.NEW_UNIT_WITH_PROGRAMME` (report cannot import pipeline)

__all__ = ["CATALOGUE", "FIGURE_ORDER", "text", "setup", "header", "summary", "section", "rollout", "rollout_table",
           "rollout_figure", "criteria", "criteria_table", "criteria_figure", "headline", "headline_table", "effect",
           "effect_sentences", "effect_table", "event_study_figure", "published", "published_table", "cohort_label"]

FIGURE_ORDER = ("rollout", "criteria", "event_study")
COHORT_COLOURS = (HIGHLIGHT, "#0f766e", "#1d4ed8", "#7c3aed")  # one colour per entry year, the first the pages' own
PROGRAMME = ("Công an phường điển hình, kiểu mẫu về an ninh trật tự và văn minh đô thị")

_VI = {
    "title": f"Tổng quan chương trình xây dựng mô hình “{PROGRAMME}”",
    "subtitle": "Năm báo cáo {year}",
    "n_wards_one": "{n} phường", "n_wards_other": "{n} phường", "n_provinces_one": "{n} tỉnh, thành phố",
    "n_provinces_other": "{n} tỉnh, thành phố", "n_units_one": "{n} đơn vị", "n_units_other": "{n} đơn vị",
    "line_units": ("{n_units} cấp xã trong dữ liệu ({n_phuong}, {n_provinces}); {n_programme} có trong danh sách "
                   "xây dựng mô hình (năm xây dựng mô hình: {cohorts})."),
    "line_source_synthetic": "Nguồn dữ liệu: dữ liệu giả lập (mô phỏng) của dự án.",
    "line_source_real": "Nguồn dữ liệu: bảng số liệu do người dùng cung cấp.",
    "line_source_synthetic_changed": ("Nguồn dữ liệu: dữ liệu đánh dấu là giả lập (mô phỏng); số liệu năm 2023 của phường Đức Xuân không khớp số đã "
                                      "công bố, nên đây không phải bản dữ liệu giả lập của dự án như đã tạo ra."),
    "published_synthetic_changed": ("**Lưu ý:** dữ liệu ở đây được đánh dấu là giả lập (mô phỏng); một số khớp hay "
                                    "lệch với số công bố không nói gì về một phường thật."),
    "line_cohort": ("Danh sách chỉ ghi năm xây dựng mô hình; báo cáo giả định mỗi phường bắt đầu từ tháng 1 của năm "
                    "đó."),
    # summary
    "sum_rollout": "**Tiến độ:** đến hết năm {year} có {n} xây dựng mô hình ở {k} ({by_cohort}).",
    "sum_rollout_none": "**Tiến độ:** đến hết năm {year} chưa có phường nào xây dựng mô hình.",
    "sum_cohort": "năm {cohort}: {n}",
    "sum_criteria": ("**Tiêu chí:** năm {year}, các phường xây dựng mô hình đạt {share} tổng số tiêu chí; {n_all}/{n} "
                     "phường đạt toàn bộ tiêu chí."),
    "sum_effect": "**Tác động chung (gộp các phường, năm {year}):** {verdict}",
    "sum_reorganised": "**Sắp xếp đơn vị hành chính:** {text}",
    "reorganised": ("Ngày {date}, các phường đã xây dựng mô hình ({wards}) được sắp xếp vào đơn vị hành chính mới "
                    "({units}). Tác động chung của mô hình được đánh giá đến hết năm {evaluated}: các số liệu so sánh "
                    "và tác động chung dưới đây là của năm {evaluated}."),
    "sum_detectable": "**Khả năng phát hiện của phương pháp:** {text}.",
    "sum_published": "**Số liệu đã công bố:** {n_match}/{n} số liệu khớp với số tính lại{synthetic}.",
    "sum_published_synthetic": " (khớp do dữ liệu giả lập được hiệu chỉnh theo số công bố)",
    "sum_synthetic": "_Các số trên tính từ dữ liệu giả lập (mô phỏng), không phải số liệu thực tế._",
    # sections
    "s1": "1. Tiến độ triển khai theo năm xây dựng mô hình và theo tỉnh, thành phố",
    "s2": "2. Kết quả thực hiện tiêu chí theo năm xây dựng mô hình",
    "s3": "3. Phường xây dựng mô hình so với đơn vị chưa xây dựng mô hình: các chỉ số chính năm {year}",
    "s4": "4. Tác động chung của mô hình: gộp các phường xây dựng mô hình",
    "s5": "5. Số liệu đã công bố và số liệu tính lại",
    "s6": "6. Các phường có nguồn công khai (danh sách thật)",
    "h_ward": "Phường", "h_status": "Tình trạng", "h_figure": "Số liệu công bố", "h_date": "Ngày đăng",
    "h_link": "Nguồn", "year_not_stated": "không nêu", "h_district": "Quận, huyện, thị xã",
    "h_province_today": "Tỉnh, thành phố từ 01/07/2025", "h_province_source": "Tỉnh, thành phố (theo nguồn)",
    "register_intro": ("Danh sách các phường xây dựng mô hình có nguồn công khai (trang báo, cổng thông tin), mỗi dòng "
                       "một nguồn, xếp theo năm rồi theo tỉnh, thành phố; phường không nêu năm không được xếp vào năm nào. Tên "
                       "tỉnh, thành phố ghi như trong nguồn, bên cạnh là tỉnh, thành phố mà đơn vị thuộc về từ 01/07/2025 "
                       "(sau khi sắp xếp đơn vị hành chính)."),
    "rollout_sourced": ("Trong {total} phường xây dựng mô hình của dữ liệu này, {sourced} phường có nguồn công khai "
                        "(mục 6); {synthetic} phường còn lại là giả lập (mô phỏng) theo quy mô đã công bố."),
    # 1
    "h_province": "Tỉnh, thành phố", "h_phuong": "Số phường", "h_cohort": "Năm {cohort}", "h_total": "Tổng",
    "h_share_phuong": "Tỷ lệ trên số phường", "all_provinces": "Toàn bộ",
    "rollout_none": "Danh sách xây dựng mô hình không có phường nào.",
    "rollout_note": "Số phường xây dựng mô hình theo năm xây dựng mô hình (cột “Năm …”).",
    "t_rollout": "Số phường xây dựng mô hình theo năm",
    "c_rollout": "Số phường xây dựng mô hình tính đến hết mỗi năm, theo năm xây dựng mô hình.",
    "a_rollout": "Biểu đồ cột chồng: số phường xây dựng mô hình tính đến hết mỗi năm {years}; {counts}.",
    "y_wards": "Số phường", "x_year": "Năm",
    # 2
    "cohort": "Xây dựng mô hình năm {cohort}",
    "not_in_programme": "Đơn vị chưa xây dựng mô hình",
    "new_units_with_programme": "Đơn vị mới có phường đã xây dựng mô hình",
    "h_group": "Nhóm đơn vị",
    "criteria_cell": "{share}; {n_all}/{n} đạt toàn bộ",
    "criteria_before": " *",
    "criteria_note": ("Mỗi ô: tỷ lệ tiêu chí đạt (cộng dồn số tiêu chí đạt và tổng số tiêu chí của các đơn vị trong nhóm, "
                      "mỗi đơn vị theo bộ tiêu chí của mình) và số đơn vị đạt toàn bộ tiêu chí trên số đơn vị có đánh "
                      "giá. Dấu * : năm trước năm xây dựng mô hình của nhóm."),
    "t_criteria": "Tỷ lệ tiêu chí đạt theo năm xây dựng mô hình",
    "y_criteria": "Tỷ lệ tiêu chí đạt (%)",
    "c_criteria": ("Tỷ lệ tiêu chí đạt mỗi năm của từng nhóm; điểm rỗng là năm trước năm xây dựng mô hình của "
                   "nhóm."),
    "a_criteria": "Biểu đồ đường: tỷ lệ tiêu chí đạt theo năm {years} của {n} nhóm đơn vị.",
    # 3
    "criteria_share": "Tỷ lệ tiêu chí đạt",
    "h_indicator": "Chỉ số", "h_treated": "Phường xây dựng mô hình ({n})", "h_control": "Đơn vị chưa xây dựng mô hình ({n})",
    "per_1000": "Tội phạm về trật tự xã hội (vụ/1.000 dân)",
    "change": "Tội phạm về trật tự xã hội so với cùng kỳ năm {baseline}",
    "change_cell": "{pct} ({after} so với {before} vụ)",
    "headline_note": ("Cộng dồn tử số và mẫu số của các đơn vị trong nhóm rồi mới chia; dân số lấy theo số người đủ điều "
                      "kiện cấp thẻ căn cước (Đề án 06). Nhóm so sánh gồm các đơn vị cùng huyện, thành phố với các phường "
                      "xây dựng mô hình, chưa xây dựng mô hình tính đến hết năm {year}. Đây là so sánh mô tả, không phải "
                      "ước lượng tác động (xem mục 4)."),
    "headline_none": "Năm {year} chưa có phường nào xây dựng mô hình: không có gì để so sánh.",
    # 4
    "design": ("Gộp {n_treated} xây dựng mô hình đến hết năm {year} (năm xây dựng mô hình: {cohorts}) với "
               "{n_controls} cùng huyện, thành phố chưa xây dựng mô hình tính đến hết năm {year}. Thước đo: số "
               "vụ tội phạm về trật tự xã hội trên 1.000 dân mỗi năm. Phương pháp: khác biệt kép nhiều thời điểm "
               "(Callaway – Sant'Anna); nhóm so sánh của mỗi năm là các đơn vị chưa xây dựng mô hình vào năm đó (kể cả "
               "phường xây dựng mô hình những năm sau); kiểm định hoán vị hai phía, hoán đổi năm xây dựng mô hình "
               "giữa các đơn vị."),
    "estimate": ("Ước lượng: chênh lệch {att} vụ/1.000 dân/năm (KTC 95%: {att_ci}); số vụ của các phường xây dựng mô "
                 "hình bằng {rr} lần mức ước tính nếu không xây dựng mô hình (KTC 95%: {ci}); kiểm định hoán vị hai phía: "
                 "{p}."),
    "verdict_significant": ("giảm {fall} so với mức ước tính nếu không xây dựng mô hình (KTC 95% của tỷ số: {ci}, không "
                            "chứa 1); khác biệt có ý nghĩa thống kê ({p}): khó có thể chỉ do ngẫu nhiên"),
    "verdict_significant_rise": ("tăng {rise} so với mức ước tính nếu không xây dựng mô hình (KTC 95% của tỷ số: {ci}, "
                                 "không chứa 1); khác biệt có ý nghĩa thống kê ({p})"),
    "verdict_contains_1": ("khoảng tin cậy 95% của tỷ số ({ci}) chứa 1 và kiểm định hoán vị cho {p}: **chưa thể kết "
                           "luận** mô hình làm giảm hay tăng tội phạm"),
    "verdict_not_significant": ("khoảng tin cậy 95% ({ci}) không chứa 1, nhưng kiểm định hoán vị cho {p} ≥ 0,05: "
                                "**chưa thể kết luận**; với ít đơn vị, kiểm định hoán vị là căn cứ chính (khoảng tin "
                                "cậy tính theo công thức giả định nhiều đơn vị hơn hiện có)"),
    "floor": "; với phương pháp này p không thể nhỏ hơn {smallest}",
    "verdict_none": "Năm {year} chưa có phường nào xây dựng mô hình: chưa có tác động để đánh giá.",
    "verdict_too_few": "Không đủ đơn vị so sánh ({n}) để đánh giá tác động chung năm {year}.",
    "conclusion": "**Kết luận:** {verdict}",
    "method_note": "_Số liệu được tính bằng thư viện wardstudy từ thư mục `{folder}`._",
    "one_ward": "— (một phường: xem báo cáo của phường)",
    "read_interval": ("**Cách đọc.** Tỷ số nhỏ hơn 1 là giảm. Khoảng tin cậy 95% là các giá trị phù hợp với số liệu: "
                      "khoảng chứa 1 (với tỷ số) hay chứa 0 (với chênh lệch) nghĩa là chưa thể kết luận."),
    "detectable": "**Khả năng phát hiện của phương pháp:** {text}.",
    "h_effect_group": "Nhóm", "h_att": "Chênh lệch (vụ/1.000 dân/năm)", "h_ci": "KTC 95%",
    "all_cohorts": "Tất cả các phường (gộp)",
    "t_event": "Chênh lệch theo số năm kể từ năm xây dựng mô hình",
    "x_event": "Số năm kể từ năm xây dựng mô hình (0 = năm xây dựng mô hình)",
    "y_event": "Chênh lệch (vụ/1.000 dân/năm)",
    "l_before": "Trước khi xây dựng (kiểm tra xu hướng)", "l_after": "Từ năm xây dựng mô hình",
    "c_event": ("Chênh lệch số vụ tội phạm về trật tự xã hội trên 1.000 dân mỗi năm giữa phường xây dựng mô hình và "
                "đơn vị chưa xây dựng mô hình, theo số năm kể từ năm xây dựng mô hình; thanh dọc là KTC 95%. Các điểm "
                "trước năm 0 so sánh hai nhóm trước khi xây dựng mô hình: nên gần 0."),
    "a_event": "Biểu đồ điểm với khoảng tin cậy: chênh lệch theo số năm kể từ năm xây dựng mô hình, {points}.",
    # 5
    "h_unit": "Đơn vị", "h_year": "Năm", "h_published": "Số công bố", "h_as_published": "Nguyên văn",
    "h_computed": "Số tính lại", "h_matches": "Khớp?", "h_source": "Nguồn",
    "st_match": "✓ khớp", "st_match_synthetic": "✓ khớp do dữ liệu được hiệu chỉnh theo số công bố", "st_differ": "✗ lệch",
    "published_intro": ("Số liệu công bố đặt cạnh số tính lại từ số liệu theo tháng. “Khớp” nghĩa là số tính lại, làm "
                        "tròn theo độ chính xác của số công bố, bằng số công bố."),
    "published_synthetic": ("**Lưu ý:** dữ liệu ở đây là dữ liệu giả lập đã được hiệu chỉnh theo số công bố, nên các số "
                            "khớp là do cách tạo dữ liệu, không phải là một phép kiểm chứng."),
    "published_none": "Không có số liệu công bố cho các đơn vị trong dữ liệu.",
    "fig": "Hình {n}. {caption}",
}

_EN = {
    "title": f"Programme overview: model ward police (“{PROGRAMME}”)",
    "subtitle": "Report year {year}",
    "n_wards_one": "{n} ward", "n_wards_other": "{n} wards", "n_provinces_one": "{n} province",
    "n_provinces_other": "{n} provinces", "n_units_one": "{n} unit", "n_units_other": "{n} units",
    "line_units": ("{n_units} at commune level in the data ({n_phuong}, {n_provinces}); {n_programme} on the "
                   "programme list (entry years: {cohorts})."),
    "line_source_synthetic": "Data: the project's simulated data.",
    "line_source_real": "Data: tables supplied by the user.",
    "line_source_synthetic_changed": ("Data: records marked as simulated; Đức Xuân's "
                                      "2023 figures do not match the published ones, so this is not the project's "
                                      "simulated data as generated."),
    "published_synthetic_changed": ("**Note:** the data here are marked as simulated; whether a figure matches the "
                                    "published one says nothing about a real ward."),
    "line_cohort": "The list gives only the year a ward entered; the report assumes it started in January of that year.",
    "sum_rollout": "**Roll-out:** by the end of {year}, {n} in {k} building the model ({by_cohort}).",
    "sum_rollout_none": "**Roll-out:** by the end of {year}, no ward had entered the programme.",
    "sum_cohort": "{cohort}: {n}",
    "sum_criteria": ("**Criteria:** in {year}, the programme wards met {share} of their criteria; {n_all} of {n} met "
                     "every criterion."),
    "sum_effect": "**Pooled effect (all programme wards, {year}):** {verdict}",
    "sum_reorganised": "**Reorganisation of units:** {text}",
    "reorganised": ("On {date}, the model wards ({wards}) were merged into new administrative units ({units}). The "
                    "programme's pooled effect is evaluated up to {evaluated}: the comparisons and the pooled effect "
                    "below are those of {evaluated}."),
    "sum_detectable": "**What the method could detect:** {text}.",
    "sum_published": "**Published figures:** {n_match} of {n} match the recomputed ones{synthetic}.",
    "sum_published_synthetic": " (they match because the simulated data were calibrated to them)",
    "sum_synthetic": "_These figures come from simulated data, not real records._",
    "s1": "1. Roll-out by entry year and province",
    "s2": "2. Criteria met by entry year",
    "s3": "3. Programme wards against units not yet building the model: headline indicators, {year}",
    "s4": "4. The programme's pooled effect",
    "s5": "5. Published figures and recomputed figures",
    "s6": "6. Programme wards with a public source (the real register)",
    "h_ward": "Ward", "h_status": "Status", "h_figure": "Published figure", "h_date": "Published",
    "h_link": "Source", "year_not_stated": "not stated", "h_district": "District",
    "h_province_today": "Province from 1 July 2025", "h_province_source": "Province (in the source)",
    "register_intro": ("Programme wards named by a public source (a newspaper or official portal), one row per "
                       "source, by year then province; a ward whose year is not stated is placed in no cohort. The province is "
                       "given as in the source, beside the province it belongs to since 1 July 2025 (after the "
                       "reorganisation)."),
    "rollout_sourced": ("Of the {total} programme wards in these data, {sourced} have a public source (section 6); "
                        "the other {synthetic} are simulated, at the published scale."),
    "h_province": "Province", "h_phuong": "Wards", "h_cohort": "Entered {cohort}", "h_total": "Total",
    "h_share_phuong": "Share of wards", "all_provinces": "All",
    "rollout_none": "The programme list names no ward.",
    "rollout_note": "Programme wards by the year they entered (columns “Entered …”).",
    "t_rollout": "Programme wards by year",
    "c_rollout": "Programme wards by the end of each year, by entry year.",
    "a_rollout": "Stacked bar chart: programme wards by the end of each year {years}; {counts}.",
    "y_wards": "Wards", "x_year": "Year",
    "cohort": "Entered {cohort}",
    "not_in_programme": "Units not building the model",
    "new_units_with_programme": "New units containing a model ward",
    "h_group": "Group of units",
    "criteria_cell": "{share}; {n_all} of {n} met all",
    "criteria_before": " *",
    "criteria_note": ("Each cell: the share of criteria met (criteria met and criteria assessed summed over the group's "
                      "units, each on its own scheme) and the units that met every criterion out of the units assessed. "
                      "*: a year before the group entered the programme."),
    "t_criteria": "Share of criteria met by entry year",
    "y_criteria": "Criteria met (%)",
    "c_criteria": "Share of criteria met each year by group; hollow points are years before the group entered.",
    "a_criteria": "Line chart: share of criteria met in {years} for {n} groups of units.",
    "criteria_share": "Share of criteria met",
    "h_indicator": "Indicator", "h_treated": "Programme wards ({n})", "h_control": "Units not building the model ({n})",
    "per_1000": "Social-order crimes (cases per 1,000 residents)",
    "change": "Social-order crimes against the same period of {baseline}",
    "change_cell": "{pct} ({after} against {before} cases)",
    "headline_note": ("Numerators and denominators are summed over the group's units before dividing; residents are "
                      "those eligible for an ID card (Project 06). The comparison group is the units of the programme "
                      "wards' districts not building the model by the end of {year}. This is a description, not an "
                      "estimate of impact (see section 4)."),
    "headline_none": "No ward had entered the programme by {year}: nothing to compare.",
    "design": ("{n_treated} building the model by the end of {year} (entry years: {cohorts}) pooled against "
               "{n_controls} of their districts not building the model by the end of {year}. Measure: "
               "social-order crimes per 1,000 residents a year. Method: staggered difference-in-differences "
               "(Callaway – Sant'Anna); each year's comparison group is the units not yet building the model that year "
               "(wards entering later included); a two-sided permutation test that reassigns the entry years "
               "across units."),
    "estimate": ("Estimate: a difference of {att} cases per 1,000 residents a year (95% CI: {att_ci}); the programme "
                 "wards had {rr} times the cases they would have had without the programme (95% CI: {ci}); "
                 "two-sided permutation test: {p}."),
    "verdict_significant": ("{fall} fewer cases than without the programme (the ratio's 95% CI, {ci}, excludes 1); "
                            "statistically significant ({p}): unlikely to be chance alone"),
    "verdict_significant_rise": ("{rise} more cases than without the programme (the ratio's 95% CI, {ci}, excludes 1); "
                                 "statistically significant ({p})"),
    "verdict_contains_1": ("the ratio's 95% confidence interval ({ci}) contains 1 and the permutation test gives "
                           "{p}: **no conclusion** on whether the model lowered or raised crime"),
    "verdict_not_significant": ("the 95% confidence interval ({ci}) excludes 1, but the permutation test gives {p} ≥ "
                                "0.05: **no conclusion**; with few units the permutation test decides (the formula "
                                "interval assumes more units than there are)"),
    "floor": "; this method cannot give p below {smallest}",
    "verdict_none": "No ward had entered the programme by {year}: there is no effect to evaluate yet.",
    "verdict_too_few": "Too few comparison units ({n}) to evaluate the pooled effect in {year}.",
    "conclusion": "**Conclusion:** {verdict}",
    "method_note": "_Computed with the wardstudy library from the folder `{folder}`._",
    "one_ward": "— (one ward: see the ward’s report)",
    "read_interval": ("**How to read this.** A ratio below 1 is a fall. The 95% confidence interval is the range of "
                      "values that fit the data: an interval containing 1 (for a ratio) or 0 (for a difference) means "
                      "no conclusion."),
    "detectable": "**What the method could detect:** {text}.",
    "h_effect_group": "Group", "h_att": "Difference (cases per 1,000 residents a year)", "h_ci": "95% CI",
    "all_cohorts": "All programme wards (pooled)",
    "t_event": "Difference by years since entry",
    "x_event": "Years since the ward entered the programme (0 = entry year)",
    "y_event": "Difference (cases per 1,000 residents a year)",
    "l_before": "Before entry (trend check)", "l_after": "From the entry year",
    "c_event": ("Difference in social-order crimes per 1,000 residents a year between programme wards and units not "
                "building the model, by years since entry; bars are 95% CIs. Points before year 0 compare the two "
                "groups before the programme: they should be near 0."),
    "a_event": "Point chart with intervals: the difference by years since entry, {points}.",
    "h_unit": "Unit", "h_year": "Year", "h_published": "Published", "h_as_published": "As written",
    "h_computed": "Recomputed", "h_matches": "Matches?", "h_source": "Source",
    "st_match": "✓ matches", "st_match_synthetic": "✓ matches: the data were calibrated to it", "st_differ": "✗ differs",
    "published_intro": ("Published figures beside those recomputed from the monthly records. “Matches” means the "
                        "recomputed figure, rounded to the precision of the published one, equals it."),
    "published_synthetic": ("**Note:** the data here are simulated and calibrated to the published figures, so a match "
                            "follows from how the data were made; it is not a check."),
    "published_none": "No published figures for the units in the data.",
    "fig": "Figure {n}. {caption}",
}

CATALOGUE = {"vi": _VI, "en": _EN}


def text(key: str, lang: str = "vi", **values) -> str:
    """One entry of the overview's catalogue, filled with `values`.

    >>> text("s4"), text("cohort", "en", cohort=2023)
    ('4. Tác động chung của mô hình: gộp các phường xây dựng mô hình', 'Entered 2023')
    """
    return entry(CATALOGUE, key, lang, **values)


def cohort_label(cohort: int, lang: str = "vi") -> str:
    """ "Xây dựng mô hình năm 2023", the units outside the programme (cohort 0), or the new
    units of 2025 that contain a model ward (cohort -1, never "outside the programme").

    >>> cohort_label(2024), cohort_label(0, "en"), cohort_label(-1)
    ('Xây dựng mô hình năm 2024', 'Units not building the model', 'Đơn vị mới có phường đã xây dựng mô hình')
    """
    if cohort == NEW_UNITS:
        return text("new_units_with_programme", lang)
    return text("not_in_programme", lang) if not cohort else text("cohort", lang, cohort=int(cohort))


def _group_order(cohorts) -> list[int]:
    """Groups of units in table and legend order: cohorts by entry year, then the new units
    containing a model ward, then the units outside the programme."""
    present = set(int(c) for c in cohorts)
    return sorted(c for c in present if c > 0) + [c for c in (NEW_UNITS, 0) if c in present]


def reorganised_text(report) -> str | None:
    """What happened to the model wards when the report year is after the last evaluated one
    (the 2025 reorganisation), in plain words; None otherwise."""
    if not getattr(report, "reorganised", False):
        return None
    lang = report.lang
    names = [n for _, _, olds in report.successors.values() for n in olds]
    units = [name for name, _, _ in report.successors.values()]
    return text("reorganised", lang, date=fmt_date(report.reform_date, lang), wards=", ".join(names),
                units=", ".join(units), evaluated=report.evaluated_year)


def _evaluated(report) -> int:
    """The year of the page's comparisons and pooled effect: the last evaluated one."""
    year = getattr(report, "evaluated_year", None)
    return report.year if year is None else year


def setup() -> None:
    """The pages' look (`plots.set_style`): call once at the top of the notebook."""
    set_style()


def _md(line: str) -> Markup:
    return pages.inline_markdown(line)


def _html(*paragraphs) -> object:
    return pages.html_block("".join(str(p) for p in paragraphs))


def _p(line: str) -> Markup:
    return Markup("<p>") + _md(line) + Markup("</p>")


def _figure(report, figure: Figure, name: str, caption: str, alt: str) -> str:
    return pages.figure_html(figure, caption, alt, FIGURE_ORDER.index(name) + 1, report.lang).data


def _count(key: str, n, lang: str) -> str:
    """ "3 phường", "1 ward", "3 wards": a number with its noun (`n_wards`, `n_provinces`, `n_units`)."""
    n = int(n)
    return text(f"{key}_{'one' if n == 1 else 'other'}", lang, n=fmt_number(n, 0, lang))


def _cohorts_text(cohorts) -> str:
    return ", ".join(str(int(c)) for c in sorted(set(cohorts))) or MISSING


# ---------------------------------------------------------------------------- header, summary


def header(report):
    """The page's opening block: the simulated-data banner, the title, the year, the data."""
    lang, units = report.lang, report.units
    calibrated = data_calibrated(report)
    folder_key = ("line_source_real" if not report.is_synthetic else "line_source_synthetic" if calibrated
                  else "line_source_synthetic_changed")
    lines = [
        text("line_units", lang, n_units=_count("n_units", len(units), lang),
             n_phuong=_count("n_wards", (units["type"] == "phường").sum(), lang),
             n_provinces=_count("n_provinces", units["province"].nunique(), lang),
             n_programme=_count("n_wards", len(report.programme), lang),
             cohorts=_cohorts_text(report.programme["cohort_year"])),
        text("line_cohort", lang),
    ]
    html = Markup(pages.banner_html(report.is_synthetic, lang, calibrated))
    html += Markup(pages.print_footer_html(getattr(report, "build", None), report.is_synthetic, lang))
    html += Markup("<h1>{}</h1><p><strong>{}</strong></p>").format(text("title", lang),
                                                                  text("subtitle", lang, year=report.year))
    html += Markup("<ul>") + Markup("").join(Markup("<li>{}</li>").format(line) for line in lines)
    html += Markup("<li>") + Markup(text(folder_key, lang)).format(folder=report.data_source) + Markup("</li></ul>")
    return pages.html_block(html)


def summary(report):
    """The "Tóm tắt" that opens the page: roll-out, criteria, pooled effect, what it could
    detect, published figures (5-6 lines)."""
    lang, year = report.lang, report.year
    cohorts = report.cohorts
    # After the reorganisation the model wards live on inside new units: the roll-out is the one
    # of the last evaluated year (the next line says what happened), never "no ward".
    rollout_year = _evaluated(report) if getattr(report, "reorganised", False) else year
    now = cohorts[cohorts["year"] == rollout_year]
    lines = []
    if now["n_wards"].sum():
        treated = report.programme[report.programme["cohort_year"] <= rollout_year]
        by_cohort = "; ".join(text("sum_cohort", lang, cohort=int(c), n=int(n))
                              for c, n in zip(now["cohort"], now["n_wards"]))
        lines.append(text("sum_rollout", lang, year=rollout_year, n=_count("n_wards", now["n_wards"].sum(), lang),
                          k=_count("n_provinces", treated["province"].nunique(), lang), by_cohort=by_cohort))
        crit = report.criteria_by_cohort
        crit = crit[(crit["year"] == year) & (crit["cohort"] > 0) & (crit["cohort"] <= year)]
        if len(crit):
            lines.append(text("sum_criteria", lang, year=year, share=fmt_share(crit["met"].sum() / crit["total"].sum(),
                                                                                lang=lang),
                              n_all=int(crit["n_all"].sum()), n=int(crit["n_units"].sum())))
    else:
        lines.append(text("sum_rollout_none", lang, year=year))
    reorganised = reorganised_text(report)
    if reorganised:
        lines.append(text("sum_reorganised", lang, text=reorganised))
    evaluated = _evaluated(report)
    lines.append(text("sum_effect", lang, year=evaluated, verdict=_verdict(report.effect, lang, evaluated)))
    row = report.effect
    if not is_missing(row.get("mde_level")):
        lines.append(text("sum_detectable", lang, text=detectable_text(row, lang)))
    pub = report.published
    if len(pub):
        lines.append(text("sum_published", lang, n_match=int(pub["matches"].astype(bool).sum()), n=len(pub),
                          synthetic=text("sum_published_synthetic", lang) if data_calibrated(report) else ""))
    if report.is_synthetic:
        lines.append(text("sum_synthetic", lang))
    return pages.html_block(pages.summary_html(lines, lang))


def section(report, key: str):
    """A section heading of the overview ("## 1. …")."""
    from IPython.display import Markdown

    # Section 3 shows the last evaluated year's comparison (2024 on a 2025 page).
    year = _evaluated(report) if key == "s3" else report.year
    return Markdown(f"## {text(key, report.lang, year=year)}")


# ---------------------------------------------------------------------------- 1. roll-out


def rollout_table(report) -> pd.DataFrame:
    """Programme wards by province (rows) and entry year (columns), with the province's
    phường, the total and its share of them; a last row for all provinces.

    >>> from wardstudy.report.overview import _example
    >>> rollout_table(_example()).values.tolist()
    [['3', '1', '2', '3', '100,0%'], ['3', '1', '2', '3', '100,0%']]
    """
    lang = report.lang
    rows = report.rollout
    cohorts = sorted(int(c) for c in report.programme["cohort_year"].unique())
    wide = rows.pivot_table(index=["province", "n_phuong"], columns="cohort", values="n_wards", fill_value=0)
    wide = wide.reindex(columns=cohorts, fill_value=0).reset_index()
    all_phuong = len(report.phuong_at_year_end)  # the provinces' rows count the same units
    total_row = {"province": text("all_provinces", lang), "n_phuong": all_phuong,
                 **{c: int(wide[c].sum()) for c in cohorts}}
    wide = pd.concat([wide, pd.DataFrame([total_row])], ignore_index=True)
    total = wide[cohorts].sum(axis=1)
    out = pd.DataFrame({text("h_province", lang): wide["province"],
                        text("h_phuong", lang): [fmt_number(v, 0, lang) for v in wide["n_phuong"]]})
    for c in cohorts:
        out[text("h_cohort", lang, cohort=c)] = [fmt_number(v, 0, lang) for v in wide[c]]
    out[text("h_total", lang)] = [fmt_number(v, 0, lang) for v in total]
    out[text("h_share_phuong", lang)] = [fmt_share(t / n, lang=lang) if n else MISSING
                                         for t, n in zip(total, wide["n_phuong"])]
    return out.set_index(text("h_province", lang))


def rollout_figure(report) -> tuple[Figure, str, str]:
    """Programme wards by the end of each year, stacked by entry year: (figure, caption, alt)."""
    lang = report.lang
    data = report.cohorts
    years = report.years
    cohorts = sorted(data["cohort"].unique())
    colours = COHORT_COLOURS
    fig = new_figure(7.0, 3.8)
    ax = fig.subplots()
    bottom = pd.Series(0.0, index=years)
    for i, cohort in enumerate(cohorts):
        heights = data[data["cohort"] == cohort].set_index("year")["n_wards"].reindex(years, fill_value=0)
        ax.bar([str(y) for y in years], heights.to_numpy(), bottom=bottom.to_numpy(),
               color=colours[i % len(colours)], label=cohort_label(cohort, lang))
        bottom += heights
    for x, total in enumerate(bottom):
        ax.annotate(fmt_number(total, 0, lang), (x, total), ha="center", va="bottom", fontsize=10,
                    xytext=(0, 2), textcoords="offset points")
    ax.set_ylim(0, max(float(bottom.max()), 1.0) * 1.18)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(text("t_rollout", lang))
    ax.set_xlabel(text("x_year", lang))
    ax.set_ylabel(text("y_wards", lang))
    if cohorts:
        ax.legend(loc="upper left", fontsize=9, frameon=False)
    counts = ", ".join(f"{y}: {fmt_number(v, 0, lang)}" for y, v in bottom.items())
    return (fig, text("c_rollout", lang),
            text("a_rollout", lang, years=f"{years[0]} – {years[-1]}", counts=counts))


def rollout(report):
    """Section 1: the roll-out table by province and entry year, and the figure by year."""
    if report.programme.empty:
        return _html(_p(text("rollout_none", report.lang)))
    fig, caption, alt = rollout_figure(report)
    parts = [pages.table_html(rollout_table(report)).data, _p(text("rollout_note", report.lang))]
    synthetic = int((report.programme["role"] == SYNTHETIC_ROLE).sum()) if "role" in report.programme else 0
    if synthetic:
        total = len(report.programme)
        parts.append(_p(text("rollout_sourced", report.lang, total=fmt_number(total, 0, report.lang),
                             sourced=fmt_number(total - synthetic, 0, report.lang),
                             synthetic=fmt_number(synthetic, 0, report.lang))))
    return _html(*parts, _figure(report, fig, "rollout", caption, alt))


# ---------------------------------------------------------------------------- 2. criteria


def criteria_table(report) -> pd.DataFrame:
    """Criteria met by entry year (rows) and year (columns): share met and units meeting all.

    >>> from wardstudy.report.overview import _example
    >>> criteria_table(_example()).loc["Xây dựng mô hình năm 2024"].tolist()
    ['71,4%; 0/2 đạt toàn bộ *']
    """
    lang = report.lang
    rows = report.criteria_by_cohort
    groups = _group_order(rows["cohort"].unique())
    years = sorted(rows["year"].unique())
    cells = {(c, y): r for c, y, r in zip(rows["cohort"], rows["year"], rows.to_dict("records"))}
    out = {text("h_group", lang): [cohort_label(c, lang) for c in groups]}
    for y in years:
        column = []
        for c in groups:
            r = cells.get((c, y))
            if r is None:
                column.append(MISSING)
                continue
            cell = text("criteria_cell", lang, share=fmt_share(r["share"], lang=lang), n_all=int(r["n_all"]),
                        n=int(r["n_units"]))
            column.append(cell + (text("criteria_before", lang) if c > 0 and y < c else ""))
        out[str(int(y))] = column
    return pd.DataFrame(out).set_index(text("h_group", lang))


def criteria_figure(report) -> tuple[Figure, str, str]:
    """Share of criteria met by year, one line per entry-year group: (figure, caption, alt)."""
    lang = report.lang
    rows = report.criteria_by_cohort
    groups = _group_order(rows["cohort"].unique())
    palette = COHORT_COLOURS
    fig = new_figure(7.5, 4.0)
    ax = fig.subplots()
    for i, c in enumerate(groups):
        sub = rows[rows["cohort"] == c].sort_values("year")
        colour = OTHERS if not c else palette[i % len(palette)]
        ax.plot(sub["year"], 100 * sub["share"], color=colour, linewidth=2, label=cohort_label(c, lang),
                linestyle="--" if not c else "-")
        after = sub["year"] >= c if c > 0 else sub["year"] == sub["year"]
        ax.scatter(sub["year"][after], 100 * sub["share"][after], color=colour, zorder=3)
        ax.scatter(sub["year"][~after], 100 * sub["share"][~after], facecolors="white", edgecolors=colour, zorder=3)
    ax.set_xticks(sorted(rows["year"].unique()))
    ax.set_ylim(0, 105)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_share(v / 100, lang=lang)))
    ax.set_title(text("t_criteria", lang))
    ax.set_xlabel(text("x_year", lang))
    ax.set_ylabel(text("y_criteria", lang))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.18), ncol=2, fontsize=9, frameon=False)
    years = sorted(int(y) for y in rows["year"].unique())
    return (fig, text("c_criteria", lang),
            text("a_criteria", lang, years=f"{years[0]} – {years[-1]}" if years else MISSING, n=len(groups)))


def criteria(report):
    """Section 2: criteria met by entry year and year, table and figure."""
    fig, caption, alt = criteria_figure(report)
    return _html(pages.table_html(criteria_table(report)).data, _p(text("criteria_note", report.lang)),
                 _figure(report, fig, "criteria", caption, alt))


# ---------------------------------------------------------------------------- 3. headline


def _headline_cell(row, lang: str) -> str:
    if row is None or is_missing(row["value"]) or not row["n_units"]:
        return MISSING
    ind = row["indicator"]
    if ind == "social_order_crimes_per_1000":
        return fmt_number(row["value"], 2, lang)
    if ind == "social_order_crime_change":
        return text("change_cell", lang, pct=fmt_percent_change(row["numerator"], row["denominator"], lang),
                    after=fmt_number(row["numerator"], 0, lang), before=fmt_number(row["denominator"], 0, lang))
    return fmt_share(row["value"], lang=lang)


def headline_table(report) -> pd.DataFrame:
    """The headline indicators of the report year: programme wards against the units not yet
    building the model (`pipeline.programme.ProgrammeReport.headline`).

    >>> from wardstudy.report.overview import _example
    >>> headline_table(_example()).iloc[1:3].values.tolist()
    [['10,00', '5,00'], ['−25,0% (30 so với 40 vụ)', '+25,0% (10 so với 8 vụ)']]
    """
    lang = report.lang
    rows = report.headline
    panel = report.panel
    cells = {(r["indicator"], r["group"]): r for r in rows.to_dict("records")}
    labels = {"criteria_met_share": text("criteria_share", lang), "social_order_crimes_per_1000": text("per_1000", lang),
              "social_order_crime_change": text("change", lang, baseline=_evaluated(report) - 1)}
    order = list(dict.fromkeys(rows["indicator"]))
    out = pd.DataFrame({
        text("h_indicator", lang): [labels.get(i) or REGISTRY[i].label(lang) for i in order],
        text("h_treated", lang, n=int((panel["role"] == "treated").sum())):
            [_headline_cell(cells.get((i, "treated")), lang) for i in order],
        text("h_control", lang, n=int((panel["role"] == "control").sum())):
            [_headline_cell(cells.get((i, "control")), lang) for i in order],
    })
    return out.set_index(text("h_indicator", lang))


def headline(report):
    """Section 3: the headline indicators, programme wards against the others, and how to read them."""
    lang = report.lang
    year = _evaluated(report)
    if not (report.panel["role"] == "treated").any():
        return _html(_p(text("headline_none", lang, year=year)))
    reorganised = reorganised_text(report)
    return _html(*([_p(reorganised)] if reorganised else []), pages.table_html(headline_table(report)).data,
                 _p(text("headline_note", lang, year=year)))


# ---------------------------------------------------------------------------- 4. pooled effect


def _verdict(row: dict, lang: str, year: int) -> str:
    """The pooled effect in plain words: a fall or rise and whether it could be chance."""
    if not row.get("n_treated"):
        return text("verdict_none", lang, year=year)
    if is_missing(row.get("rate_ratio")) and is_missing(row.get("p_value")):
        return text("verdict_too_few", lang, n=int(row.get("n_controls") or 0), year=year)
    n_assignments = row["n_assignments"] if row.get("exact") else None
    p = fmt_p(row["p_value"], row.get("min_p_value"), lang, n_assignments)
    ci = fmt_interval("ratio", row["ci_low"], row["ci_high"], lang)
    contains_1 = is_missing(row["ci_low"]) or row["ci_low"] <= 1 <= row["ci_high"]
    significant = not is_missing(row["p_value"]) and row["p_value"] < ALPHA
    if contains_1:
        out = text("verdict_contains_1", lang, ci=ci, p=p)
    elif not significant:
        out = text("verdict_not_significant", lang, ci=ci, p=p)
    elif row["rate_ratio"] < 1:
        out = text("verdict_significant", lang, fall=fmt_share(1 - row["rate_ratio"], lang=lang), ci=ci, p=p)
    else:
        out = text("verdict_significant_rise", lang, rise=fmt_share(row["rate_ratio"] - 1, lang=lang), ci=ci, p=p)
    if not is_missing(row.get("min_p_value")) and row["min_p_value"] >= ALPHA:
        out += text("floor", lang, smallest=smallest_p_text(row["min_p_value"], lang))
    return out + "."


def effect_sentences(report) -> list[str]:
    """The pooled effect in words: the design, the estimate with its intervals and p, the
    verdict, how to read an interval and what the design could detect."""
    lang, year, row = report.lang, _evaluated(report), report.effect
    verdict = _verdict(row, lang, year)
    if not row.get("n_treated") or (is_missing(row.get("rate_ratio")) and is_missing(row.get("p_value"))):
        return [verdict]
    cohorts = _cohorts_text(report.panel.loc[report.panel["role"] == "treated", "cohort"])
    n_assignments = row["n_assignments"] if row.get("exact") else None
    lines = [
        text("design", lang, n_treated=_count("n_wards", row["n_treated"], lang),
             n_controls=_count("n_units", row["n_controls"], lang), year=year,
             cohorts=cohorts),
        text("estimate", lang, att=fmt_number(row["att"], 2, lang),
             att_ci=fmt_number(row["att_ci_low"], 2, lang) + " – " + fmt_number(row["att_ci_high"], 2, lang),
             rr=fmt_ratio(row["rate_ratio"], lang), ci=fmt_interval("ratio", row["ci_low"], row["ci_high"], lang),
             p=fmt_p(row["p_value"], row.get("min_p_value"), lang, n_assignments)),
        text("conclusion", lang, verdict=verdict[0].upper() + verdict[1:]),
        text("read_interval", lang),
    ]
    if not is_missing(row.get("mde_level")):
        lines.append(text("detectable", lang, text=detectable_text(row, lang)))  # its worlds and MC interval
    return lines


def effect_table(report) -> pd.DataFrame:
    """The pooled ATT and each cohort's, with their 95% intervals (empty when none).

    A cohort of one ward gets no interval here: its ward's own page tests it by permutation and
    says why it has no standard error, and the overview says the same.

    >>> from types import SimpleNamespace
    >>> r = SimpleNamespace(lang="en", effect={"att": -1.5, "att_ci_low": -2.0, "att_ci_high": -1.0},
    ...                     by_cohort=pd.DataFrame({"level": [2023], "att": [-1.5], "ci_low": [-2.0], "ci_high": [-1.0]}),
    ...                     panel=pd.DataFrame({"ward": ["a", "b"], "cohort": [2023, 2023], "role": ["treated"] * 2}))
    >>> effect_table(r).values.tolist()
    [['−1.50', '−2.00 – −1.00'], ['−1.50', '−2.00 – −1.00']]
    >>> r.panel = r.panel.iloc[:1]
    >>> effect_table(r).values.tolist()[1]
    ['−1.50', '— (one ward: see the ward’s report)']
    """
    lang, row = report.lang, report.effect
    if is_missing(row.get("att")):
        return pd.DataFrame()
    treated = report.panel[report.panel["role"] == "treated"]
    size = treated.groupby("cohort")["ward"].nunique()
    names = [text("all_cohorts", lang)] + [cohort_label(c, lang) for c in report.by_cohort["level"]]
    atts = [row["att"], *report.by_cohort["att"]]
    lows = [row["att_ci_low"], *report.by_cohort["ci_low"]]
    highs = [row["att_ci_high"], *report.by_cohort["ci_high"]]
    alone = [False, *(int(size.get(c, 0)) == 1 for c in report.by_cohort["level"])]
    out = pd.DataFrame({
        text("h_effect_group", lang): names,
        text("h_att", lang): [fmt_number(a, 2, lang) for a in atts],
        text("h_ci", lang): [text("one_ward", lang) if one else MISSING if is_missing(lo)
                             else f"{fmt_number(lo, 2, lang)} – {fmt_number(hi, 2, lang)}"
                             for lo, hi, one in zip(lows, highs, alone)],
    })
    return out.set_index(text("h_effect_group", lang))


def event_study_figure(report) -> tuple[Figure, str, str] | None:
    """The effect by years since entry, with its 95% intervals: (figure, caption, alt); None
    when there is nothing to draw."""
    lang = report.lang
    data = report.event_study
    if data.empty:
        return None
    fig = new_figure(7.5, 4.0)
    ax = fig.subplots()
    for before, colour, key in ((True, OTHERS, "l_before"), (False, HIGHLIGHT, "l_after")):
        sub = data[(data["level"] < 0) == before]
        if sub.empty:
            continue
        low = (sub["att"] - sub["ci_low"]).clip(lower=0)
        high = (sub["ci_high"] - sub["att"]).clip(lower=0)
        ax.errorbar(sub["level"], sub["att"], yerr=[low.to_numpy(), high.to_numpy()], fmt="o", color=colour,
                    ecolor=colour, capsize=4, markersize=7, linewidth=1.5, label=text(key, lang))
    ax.axhline(0, color="black", linewidth=1)
    ax.axvline(-0.5, color="black", linestyle="--", linewidth=1)
    ax.set_xticks(sorted(int(v) for v in data["level"]))
    ax.set_xlim(data["level"].min() - 0.6, data["level"].max() + 0.6)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _pos: fmt_number(v, 1, lang)))
    ax.set_title(text("t_event", lang))
    ax.set_xlabel(text("x_event", lang))
    ax.set_ylabel(text("y_event", lang))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=9, frameon=False)
    points = "; ".join(f"{fmt_number(e, 0, lang)}: {fmt_number(a, 2, lang)} ({fmt_number(lo, 2, lang)} – {fmt_number(hi, 2, lang)})"
                       for e, a, lo, hi in zip(data["level"], data["att"], data["ci_low"], data["ci_high"]))
    return fig, text("c_event", lang), text("a_event", lang, points=points)


def effect(report):
    """Section 4: the pooled effect in words, its table by cohort and the event-study figure."""
    reorganised = reorganised_text(report)
    html = "".join(str(_p(line)) for line in ([reorganised] if reorganised else []) + effect_sentences(report))
    table = effect_table(report)
    if not table.empty:
        html += pages.table_html(table).data
    drawn = event_study_figure(report)
    if drawn is not None:
        html += _figure(report, drawn[0], "event_study", drawn[1], drawn[2])
    html += str(_p(text("method_note", report.lang, folder=report.data_source)))  # file names here, not in the prose
    return pages.html_block(html)


# ---------------------------------------------------------------------------- 5. published


def _published_value(indicator: str, value, denominator, lang: str, fraction=None) -> str:
    """A figure in the page's format; a criteria score as "met/of" on its own scale (`fraction`,
    a published score as written: "19/20" of the 20-criterion scheme), else of `denominator`."""
    kind = REGISTRY[indicator].kind if indicator in REGISTRY else "count"
    if is_missing(value):
        return MISSING
    if kind == "criteria" and fraction is not None:
        return f"{fraction[0]}/{fraction[1]}"
    if kind == "criteria" and not is_missing(denominator):
        return f"{int(round(float(value) * float(denominator)))}/{int(denominator)}"
    if kind == "change":
        return fmt_change(value, lang)
    return fmt_value(kind, value, lang=lang)


def published_table(report) -> pd.DataFrame:
    """Every published figure beside the recomputed one: unit, year, indicator, published
    (in the page's format and as written), recomputed, whether they match, source."""
    lang = report.lang
    pub = report.published
    if pub.empty:
        return pd.DataFrame()
    calibrated = data_calibrated(report)
    label = {i: (REGISTRY[i].label(lang) if i in REGISTRY else i) for i in pub["indicator"].unique()}
    out = pd.DataFrame({
        text("h_unit", lang): pub["name"].astype(str),
        text("h_year", lang): pub["year"].astype(int).astype(str),
        text("h_indicator", lang): pub["indicator"].map(label),
        text("h_published", lang): [_published_value(i, v, d, lang, published_fraction(a)) for i, v, d, a in
                                    zip(pub["indicator"], pub["published"], pub["computed_denominator"],
                                        pub["as_published"])],
        text("h_as_published", lang): pub["as_published"].fillna(MISSING).astype(str),
        text("h_computed", lang): [_published_value(i, v, d, lang) for i, v, d in
                                   zip(pub["indicator"], pub["computed"], pub["computed_denominator"])],
        text("h_matches", lang): [text("st_match_synthetic", lang) if is_calibrated_row(w, y, m, calibrated)
                                  else text("st_match", lang) if bool(m) else text("st_differ", lang)
                                  for w, y, m in zip(pub["ward"], pub["year"], pub["matches"])],
        text("h_source", lang): pub["source"].fillna(MISSING).astype(str),
    })
    return out.set_index(text("h_unit", lang))


def published(report):
    """Section 5: the published figures reconciled, with why they match on simulated data."""
    lang = report.lang
    table = published_table(report)
    if table.empty:
        return _html(_p(text("published_none", lang)))
    parts = [_p(text("published_intro", lang))]
    if data_calibrated(report):
        parts.append(_p(text("published_synthetic", lang)))
    elif report.is_synthetic:
        parts.append(_p(text("published_synthetic_changed", lang)))
    parts.append(pages.table_html(table).data)
    return _html(*parts)


def register_table(report) -> pd.DataFrame:
    """The real programme register (`data/reference/programme_register.csv`), one row per source,
    by year (not stated last) then province: the ward, its district, the province in the source
    and the one it is part of since 1 July 2025, the year, the status in the page's language,
    the figure (in English glossed beside the source's words), the date and the source as a link."""
    lang = report.lang
    reg = _register.sort_rows(report.register)
    years = [text("year_not_stated", lang) if pd.isna(y) else str(int(y)) for y in reg["cohort_year"]]
    en = lang == "en"
    return pd.DataFrame({
        text("h_ward", lang): [_register.ward_en(w) if en else w for w in reg["ward_name"].astype(str)],
        text("h_district", lang): [_register.district_text(d, lang) for d in reg["district"]],
        text("h_province_source", lang): [_register.area_en(p) if en else p for p in reg["province"].astype(str)],
        text("h_province_today", lang): [_register.province_today(p, lang) for p in reg["province"]],
        text("h_year", lang): years,
        text("h_status", lang): [_register.status_text(s, lang) for s in reg["status"]],
        text("h_figure", lang): [_register.figure_cell(f, lang) for f in reg["figure"]],
        text("h_date", lang): _register.dates(reg["published_date"], lang),
        text("h_link", lang): [str(_register.source_link(u)) for u in reg["url"]],   # HTML, escaped
    }).set_index(text("h_ward", lang))


def register(report):
    """Section 6: the programme wards public sources name, with the source of each row."""
    lang = report.lang
    table = pages.table_html(register_table(report), html_columns=(text("h_link", lang),))
    return _html(_p(text("register_intro", lang)), table.data)


def _example():
    """A hand-made programme report for the doctests (see `pipeline.programme._example`)."""
    from types import SimpleNamespace

    units = pd.DataFrame({"slug": ["a", "b", "c", "d"], "type": ["phường", "phường", "phường", "xã"],
                          "province": ["P"] * 4})
    programme = pd.DataFrame({"ward": ["a", "b", "c"], "cohort_year": [2023, 2024, 2024], "province": ["P"] * 3})
    headline_rows = pd.DataFrame({
        "indicator": ["criteria_met_share", "social_order_crimes_per_1000", "social_order_crime_change"] * 2,
        "group": ["treated"] * 3 + ["control"] * 3, "n_units": [1] * 6,
        "numerator": [22.0, 30.0, 30.0, 11.0, 10.0, 10.0], "denominator": [22.0, 3000.0, 40.0, 22.0, 2000.0, 8.0],
        "value": [1.0, 10.0, -0.25, 0.5, 5.0, 0.25]})
    return SimpleNamespace(
        lang="vi", year=2023, units=units, programme=programme, phuong_at_year_end=units.iloc[:3],
        rollout=pd.DataFrame({"province": ["P", "P"], "n_phuong": [3, 3], "cohort": [2023, 2024], "n_wards": [1, 2]}),
        criteria_by_cohort=pd.DataFrame({"cohort": [2024], "year": [2023], "n_units": [2], "met": [30.0],
                                         "total": [42.0], "share": [30 / 42], "n_all": [0]}),
        headline=headline_rows,
        panel=pd.DataFrame({"ward": ["a", "d"], "role": ["treated", "control"]}))

