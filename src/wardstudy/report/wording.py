"""Every sentence, heading and label a report shows, in Vietnamese and English.

The one home of the page's words. `CATALOGUE` holds one catalogue per language with the
same keys (a test fails when a key is missing in either); the indicator labels live in
the indicator registry. `text(key, lang, **values)` fills one entry. The verdict
functions below (the crime change against the same period, the impact results, what a
published difference can show, the criteria status, who is compared with whom) read
numbers already computed by the build (they compute nothing) and return text in the
language asked ("vi" or "en").

Vietnamese follows the wording of Bộ Công an reports ("so với cùng kỳ", "tố giác, tin báo
về tội phạm và kiến nghị khởi tố", "đơn vị chưa xây dựng mô hình"); one name per test
("kiểm định Poisson chính xác", "kiểm định hoán vị") and one verdict wording for every
design ("có / không có ý nghĩa thống kê").
"""

from __future__ import annotations

import math

from markupsafe import Markup, escape

from wardstudy.report.format import (
    MISSING,
    SIGNIFICANCE,
    fmt_cases,
    fmt_interval,
    fmt_number,
    fmt_month,
    fmt_p,
    fmt_percent_change,
    fmt_period,
    fmt_ratio,
    fmt_share,
    is_missing,
)

__all__ = ["ALPHA", "LANGS", "CATALOGUE", "text", "entry", "crime_verdict", "crime_detail", "impact_conclusion",
           "impact_verdict", "detectable_text", "multiple_tests_note", "smallest_p_text", "criteria_status_text",
           "design_text", "new_unit_design_text", "sensitivity_text", "summary_lines", "unreported_text", "METHOD_NAMES", "METHOD_SHORT", "INFERENCE", "ESTIMATE_UNITS"]

ALPHA = SIGNIFICANCE
LANGS = ("vi", "en")

_VI = {
    # ---- page furniture
    "title": ("Báo cáo đánh giá xây dựng mô hình “Công an phường điển hình, kiểu mẫu về an ninh, trật tự và "
              "văn minh đô thị”"),
    "unit_year": "{type} {name}, năm {year}",
    "banner_title": "⚠ DỮ LIỆU GIẢ LẬP (MÔ PHỎNG), KHÔNG PHẢI SỐ LIỆU THỰC TẾ",
    "banner_body": ("Các số liệu theo tháng trong báo cáo này do chương trình của dự án tạo ra (mô phỏng), "
                    "được hiệu chỉnh để số liệu năm 2023 của phường Đức Xuân trùng với số đã công bố. Không dùng để "
                    "đánh giá một phường thật."),
    "banner_body_index": ("Các báo cáo dưới đây tính từ số liệu theo tháng giả lập (mô phỏng); mỗi trang nói dữ liệu "
                          "của nó được tạo ra thế nào. Không dùng để đánh giá một phường thật."),
    "header_code": "Mã đơn vị hành chính: <strong>{code}</strong> (Danh mục đơn vị hành chính của Tổng cục Thống kê, "
                   "01/03/2025); {district}, tỉnh {province}",
    "header_cohort": "Năm xây dựng mô hình: {cohort}",
    "header_no_cohort": "Đơn vị chưa xây dựng mô hình (không có trong danh sách xây dựng mô hình)",
    "header_code_new": "Mã đơn vị hành chính: <strong>{code}</strong> (từ 01/07/2025); tỉnh {province}",
    "header_no_cohort_new": "Đơn vị mới, chưa có trong danh sách xây dựng mô hình; trong các đơn vị cũ hợp thành, "
                            "đã xây dựng mô hình: {listed}",
    "header_period": "Kỳ báo cáo: <strong>{period}</strong>; so sánh với cùng kỳ {base_period}",
    "header_partial": " (chỉ {months} tháng có số liệu ở cả hai năm; năm {year} có {months_in_year} tháng)",
    "header_source_synthetic": "Nguồn dữ liệu: dữ liệu giả lập (mô phỏng) của dự án",
    "header_source_real": "Nguồn dữ liệu: bảng số liệu do người dùng cung cấp",
    "header_source_synthetic_changed": ("Nguồn dữ liệu: dữ liệu đánh dấu là giả lập (mô phỏng); số liệu năm 2023 của phường Đức Xuân không khớp số đã "
                                        "công bố, nên đây không phải bản dữ liệu giả lập của dự án như đã tạo ra"),
    "banner_body_changed": ("Các số liệu theo tháng trong báo cáo này được đánh dấu là giả lập (mô phỏng). Không dùng "
                            "để đánh giá một phường thật."),
    "s9_synthetic_changed": ("**Lưu ý:** dữ liệu ở đây được đánh dấu là giả lập (mô phỏng); một số khớp hay lệch với số "
                             "công bố không nói gì về một phường thật."),
    "header_successor": "Hiệu lực đến {valid_to}; từ 01/07/2025 thuộc {successor} (mã {code}; Nghị quyết "
                        "1683/NQ-UBTVQH15 ngày 16/06/2025)",
    "header_predecessors": "Đơn vị mới từ {valid_from} (Nghị quyết 1683/NQ-UBTVQH15 ngày 16/06/2025), hợp "
                           "nhất từ: {names}",
    "header_carried": "<strong>Số liệu từ {first} đến {last} là tổng số liệu của các đơn vị cũ</strong> trên cùng "
                      "địa bàn (gộp theo bảng chuyển đổi đơn vị hành chính), để so sánh được với cùng kỳ",
    "header_not_carried": "Không có số liệu trước {valid_from}: {missing} không có trong dữ liệu, nên không "
                          "gộp được số liệu của các đơn vị cũ (cộng thiếu sẽ cho số liệu thấp hơn thực tế)",
    # ---- summary
    "summary": "Tóm tắt",
    "sum_criteria": "**Tiêu chí:** năm {year} {status}.",
    "sum_crime": "**Tội phạm về trật tự xã hội:** {verdict}.",
    "sum_services": ("**Tố giác, tin báo về tội phạm và kiến nghị khởi tố:** giải quyết {tips}; **hồ sơ thủ tục "
                     "hành chính:** {online} tiếp nhận qua dịch vụ công trực tuyến, {on_time} giải quyết đúng hạn."),
    "sum_impact_none": "**Đánh giá tác động:** {reason}",
    "sum_impact_primary": "**Đánh giá tác động** (phương pháp chính: {method}): {verdict}{unproven}. {others} (mục 8).",
    "sum_unproven": ", nên chưa chứng minh được tác động của mô hình",
    "sum_others": "{n_same}/{n} phương pháp đối chiếu cho ước lượng cùng chiều",
    "sum_targets": "**Mức tham chiếu:** đạt {met}/{total} mức (mục 11){missing}.",
    "sum_targets_missing": "; {n} mức không có số liệu",
    "sum_synthetic": "_Các số trên tính từ dữ liệu giả lập (mô phỏng), không phải số liệu thực tế._",
    "sum_published": ("**Số đã công bố** ({sources}): {items}. Đây là số của nguồn, không tính từ số liệu theo tháng; "
                      "mục 9 đặt số công bố cạnh số tính lại."),
    # ---- sections
    "s1": "1. Tiêu chí",
    "s1_status": ("**Năm {year}: {status}.** Chỉ đạo của Chủ tịch UBND tỉnh Bắc Kạn: mỗi năm hoàn thành 100,0% "
                  "({n}/{n}) tiêu chí đối với phường được chọn xây dựng mô hình (Báo Bắc Kạn, 29/01/2024)."),
    "s1_status_no_source": "**Năm {year}: {status}.**",
    "s1_register": ("Nội dung 22 tiêu chí (Quyết định 5764/QĐ-BCA-V05 ngày 13/07/2021) chưa được công bố; báo cáo ghi "
                    "tên tiêu chí khi bảng tiêu chí của người dùng có nội dung, nếu không thì ghi mã."),
    "s2": "2. Tội phạm",
    "s2_guide": ("**Cách đọc.** Số vụ mỗi năm ở một phường nhỏ dao động ngẫu nhiên, nên mỗi thay đổi được kiểm định "
                 "(kiểm định Poisson chính xác).\n"
                 "- **p** là xác suất gặp một thay đổi lớn như vậy nếu thực ra không có thay đổi nào; p < 0,05: khác "
                 "biệt **có ý nghĩa thống kê**; p ≥ 0,05: **không có ý nghĩa thống kê** (có thể chỉ do ngẫu nhiên).\n"
                 "- **KTC 95%** (khoảng tin cậy 95%) là khoảng giá trị phù hợp với số liệu của số lần so với cùng kỳ; "
                 "khoảng chứa 1 nghĩa là chưa thể kết luận số vụ đã tăng hay giảm."),
    "s2_stat_year": ("Số liệu tính theo tháng dương lịch (01/01 – 31/12). Báo cáo định kỳ hằng năm của cơ quan hành chính "
                     "nhà nước chốt số liệu từ ngày 15/12 năm trước đến ngày 14/12 năm báo cáo (Nghị định "
                     "09/2019/NĐ-CP về chế độ báo cáo), nên số liệu ở đây có thể khác số trong các báo cáo đó."),
    "s2_line": "**{label}**, năm {year} so với cùng kỳ năm {baseline_year}: {verdict}. {detail}",
    "s3": "3. Tiếp nhận, giải quyết tố giác, tin báo về tội phạm và kiến nghị khởi tố",
    "s4": "4. Thủ tục hành chính và dịch vụ công trực tuyến",
    "s5": "5. Đề án 06 (dữ liệu dân cư, định danh và xác thực điện tử)",
    "s6": "6. Phòng cháy, chữa cháy",
    "s7": "7. Mô hình tự quản về an ninh, trật tự",
    "s8": "8. Đánh giá tác động: phường so với các đơn vị chưa xây dựng mô hình",
    "s8_intro": ("Câu hỏi: tội phạm về trật tự xã hội của phường giảm **nhiều hơn** các đơn vị cùng thành phố chưa xây "
                 "dựng mô hình hay không, hay chỉ theo xu hướng chung và dao động ngẫu nhiên? Thước đo: số vụ trên "
                 "1.000 dân (dân số lấy theo số người đủ điều kiện cấp thẻ căn cước của Đề án 06, là giả định). "
                 "Nhóm so sánh: các đơn vị cùng huyện, thành phố chưa xây dựng mô hình tính đến hết năm báo cáo.\n\n"
                 "Giới hạn cần đọc trước: chỉ có một phường xây dựng mô hình và vài đơn vị so sánh, số vụ mỗi tháng "
                 "rất nhỏ. Kiểm định hoán vị không thể cho p nhỏ hơn 1 chia cho số đơn vị được so sánh (kể cả phường): "
                 "với 7 đơn vị so sánh là 1/8. Vì vậy, khi có dưới 20 đơn vị so sánh, **hai phương pháp có nhóm so "
                 "sánh không thể có ý nghĩa thống kê** ở mức 0,05, dù tác động có thật: chúng chỉ cho biết hướng và "
                 "độ lớn. Chuỗi thời gian ngắt quãng có thể cho p nhỏ, nhưng không có "
                 "nhóm so sánh: một thay đổi chung của cả thành phố cũng hiện ra như “tác động”."),
    "s9": "9. Số liệu đã công bố và số liệu tính lại",
    "s9_intro": ("Số liệu công bố đặt cạnh số tính lại từ số liệu theo tháng. “Khớp” nghĩa là số tính lại, làm tròn "
                 "theo độ chính xác của số công bố, bằng số công bố."),
    "s9_synthetic": ("**Lưu ý:** dữ liệu ở đây là dữ liệu giả lập đã được hiệu chỉnh theo số công bố, nên các số khớp là "
                     "do cách tạo dữ liệu, không phải là một phép kiểm chứng."),
    "s9_none": "Không có số liệu công bố cho đơn vị này năm {year}.",
    "s9_source": "Nguồn: {sources}.",
    "s10": "10. Vị trí so với các đơn vị khác cùng huyện, thành phố",
    "s10_new": "10. Vị trí so với các đơn vị mới khác cùng tỉnh (từ 01/07/2025 không còn cấp huyện)",
    "s10_note": ("Hạng 1 là tốt nhất: cao nhất với tỷ lệ, thấp nhất với số vụ trên 1.000 dân và mức thay đổi so với "
                 "cùng kỳ. Các đơn vị có cùng giá trị (như hiển thị) là đồng hạng. So sánh gồm các đơn vị cấp xã cùng "
                 "huyện, thành phố có số liệu năm báo cáo; số vụ được tính trên 1.000 dân vì dân số các đơn vị rất "
                 "khác nhau."),
    "s10_note_new": ("Hạng 1 là tốt nhất: cao nhất với tỷ lệ, thấp nhất với số vụ trên 1.000 dân và mức thay đổi so "
                     "với cùng kỳ. Các đơn vị có cùng giá trị (như hiển thị) là đồng hạng. So sánh gồm các đơn vị mới "
                     "(từ 01/07/2025) cùng tỉnh có số liệu cả năm báo cáo; số vụ được tính trên 1.000 dân vì dân số "
                     "các đơn vị rất khác nhau."),
    "s11": "11. Tổng hợp: chỉ số so với mức tham chiếu",
    "s11_note": ("Mức “đạt toàn bộ tiêu chí mỗi năm” là chỉ đạo của Chủ tịch UBND tỉnh Bắc Kạn đối với phường được "
                 "chọn xây dựng mô hình (Báo Bắc Kạn, 29/01/2024). Các mức 100,0% cho "
                 "tố giác, tin báo và thủ tục hành chính, và “giảm so với cùng kỳ” cho tội phạm về trật tự xã hội, là "
                 "**mức tham chiếu do dự án đặt ra**, không phải chỉ tiêu chính thức (bài báo nêu các mức này là kết "
                 "quả của Đức Xuân năm 2023). Mức giảm đạt mức tham chiếu vẫn có thể chỉ do ngẫu nhiên: xem mục 2."),
    "s11_note_no_source": ("Mức “đạt toàn bộ tiêu chí mỗi năm” cũng là mức tham chiếu do dự án đặt ra. Các mức 100,0% cho tố giác, tin "
                           "báo và thủ tục hành chính, và “giảm so với cùng kỳ” cho tội phạm về trật tự xã hội, là "
                           "**mức tham chiếu do dự án đặt ra**, không phải chỉ tiêu chính thức. Mức giảm đạt mức tham "
                           "chiếu vẫn có thể chỉ do ngẫu nhiên: xem mục 2."),
    "complete_note": ("Với tỷ lệ 100,0% (ví dụ {example}), khoảng tin cậy chỉ có cận dưới: tỷ lệ thực của quy trình có "
                      "thể thấp đến mức đó mà năm báo cáo vẫn đạt 100,0% (một phía, độ tin cậy 97,5%)."),
    "method_note": ("_Phương pháp: tỷ lệ cộng dồn tử số và mẫu số của các tháng trong năm rồi mới chia; khoảng tin cậy "
                    "chính xác (Clopper – Pearson cho tỷ lệ, Garwood cho số vụ, kiểm định Poisson chính xác cho so sánh "
                    "hai kỳ); kiểm định hoán vị với J đơn vị so sánh: p = k/(J + 1), k là số đơn vị (kể cả phường) có thống "
                    "kê từ mức của phường trở lên. Số liệu được tính bằng thư viện wardstudy từ thư mục `{folder}`._"),
    # ---- table headers
    "h_indicator": "Chỉ số", "h_value": "Giá trị", "h_fraction": "Tử số / Mẫu số", "h_ci": "KTC 95%",
    "h_rank": "Xếp hạng", "h_low": "Thấp nhất", "h_median": "Trung vị", "h_high": "Cao nhất",
    "h_target": "Mức tham chiếu", "h_met": "Đạt?", "h_basis": "Căn cứ", "h_published": "Số công bố",
    "h_computed": "Số tính lại", "h_matches": "Khớp?", "h_source": "Nguồn", "h_year": "Năm",
    "h_criteria_met": "Số tiêu chí đạt", "h_short": "Số tiêu chí chưa đạt", "h_design": "Phương pháp",
    "h_estimate": "Ước lượng", "h_unit": "Đơn vị tính", "h_p": "Giá trị p", "h_min_p": "p nhỏ nhất có thể đạt",
    "h_inference": "Cách kiểm định", "h_result": "Kết quả", "h_detectable": "Khả năng phát hiện của phương pháp",
    # ---- statuses
    "st_met": "✓ đạt", "st_unmet": "✗ chưa đạt", "st_no_data": "— không có số liệu",
    "st_match": "✓ khớp", "st_match_synthetic": "✓ khớp do dữ liệu được hiệu chỉnh theo số công bố",
    "st_differ": "✗ lệch", "st_no_se": "— (một phường: không ước lượng được sai số; xem giá trị p)",
    # ---- verdicts
    "v_fell": "xảy ra {a} vụ, giảm {d} vụ ({pct}) so với cùng kỳ",
    "v_rose": "xảy ra {a} vụ, tăng {d} vụ ({pct}) so với cùng kỳ",
    "v_same": "xảy ra {a} vụ, bằng cùng kỳ",
    "v_none": "không xảy ra vụ nào ở cả hai kỳ: không đủ dữ liệu để đánh giá thay đổi",
    "v_incomparable": "không so sánh được: hai năm không có tháng nào cùng có số liệu",
    "v_partial": " (chỉ so sánh các tháng có số liệu ở cả hai năm: {period})",
    "v_significant": "khác biệt có ý nghĩa thống kê ({p})",
    "v_not_significant": "khác biệt không có ý nghĩa thống kê ({p})",
    "v_untestable": "không kiểm định được (không tính được giá trị p)",
    "v_detail": "Số vụ bằng {rr} lần cùng kỳ (KTC 95%: {ci}): {judgement}.",
    "v_chance": "mức thay đổi này có thể chỉ do ngẫu nhiên",
    "v_real_fall": "khó có thể chỉ do ngẫu nhiên (giảm thật, nhưng chưa chứng minh được là nhờ mô hình)",
    "v_real_rise": "khó có thể chỉ do ngẫu nhiên (tăng thật)",
    "i_fall": "ước lượng theo hướng giảm",
    "i_rise": "ước lượng theo hướng tăng",
    "i_zero": "ước lượng không thay đổi",
    "i_effect": ", khoảng {n} vụ/năm",
    "i_floor": "; với phương pháp này p không thể nhỏ hơn {smallest}",
    "detectable": "phát hiện được mức giảm từ {fall} trở lên (số vụ bằng {rr} lần) với xác suất 80%, ở mức ý nghĩa {level}",
    "undetectable": "kể cả khi giảm {fall}, xác suất phát hiện chưa tới 80% (mức ý nghĩa {level})",
    "needs_units": "; để đạt p < 0,05 cần ít nhất {n} đơn vị so sánh",
    "mc": " (mô phỏng {n} thế giới; khoảng tin cậy 95% của xác suất phát hiện: {low} – {high})",
    "unreachable": ("ở mức ý nghĩa 0,05: không phát hiện được tác động nào, dù lớn đến đâu (p không thể nhỏ hơn "
                    "{smallest}); cần ít nhất {n} đơn vị so sánh"),
    "multiple": ("**Phương pháp chính:** {method}, khai báo trong tham số của báo cáo trước khi xem số liệu. Ba "
                 "phương pháp là ba phép kiểm định trên cùng một số liệu: kết luận về tác động dựa trên kiểm định "
                 "của phương pháp chính; hai phương pháp còn lại để đối chiếu, không chọn riêng phương pháp có p nhỏ "
                 "nhất."),
    "primary_mark": "{name} (phương pháp chính)",
    "unreported": ("**Tháng không có số liệu:** {listed}. Tỷ lệ của những năm đó tính trên các tháng có số liệu (số vụ "
                   "chia cho dân số nhân số tháng có báo cáo): tháng không báo cáo không được coi là 0 vụ."),
    "h_estimand": "Ước lượng cho",
    "estimand_report_year": "năm báo cáo",
    "estimand_since_entry": "trung bình từ năm xây dựng mô hình đến năm báo cáo",
    "criteria": "đạt {met}/{total} tiêu chí",
    "criteria_unmet": "; chưa đạt: {ids}",
    "criteria_all": " (đạt toàn bộ)",
    "design_none": ("Đơn vị {ward} không có trong danh sách xây dựng mô hình, nên không có tác động để "
                    "đánh giá."),
    "design_later": ("Đơn vị {ward} xây dựng mô hình từ năm {cohort}, sau năm báo cáo {year}: chưa có giai đoạn sau "
                     "khi xây dựng mô hình để đánh giá."),
    "design_too_few": "Không đủ đơn vị so sánh ({n}) để đánh giá tác động.",
    "design_no_pre": ("Đơn vị {ward} xây dựng mô hình từ năm {cohort}, năm đầu tiên có số liệu ({first}): không có "
                      "giai đoạn trước khi xây dựng mô hình để so sánh, nên không đánh giá được tác động."),
    "design_new_unit": ("Không đánh giá tác động cho đơn vị mới {ward}: đơn vị được lập từ 01/07/2025, khi không "
                        "còn cấp huyện, nên không có nhóm so sánh cùng huyện, thành phố như các năm trước, và năm "
                        "{year} không phải là một năm trọn vẹn của các đơn vị cũ."),
    "design_new_unit_programme": (" Tác động của mô hình được đánh giá ở đơn vị cũ đã xây dựng mô hình, đến hết năm "
                                  "{last}: xem báo cáo của {listed}."),
    "design": ("Năm xây dựng mô hình: {cohort} (danh sách chỉ ghi năm; báo cáo giả định bắt đầu từ tháng 1/{cohort}). "
               "So sánh với {n} đơn vị cùng huyện, thành phố chưa xây dựng mô hình tính đến hết năm {year}: {listed}."),
    "design_excluded": " Loại khỏi nhóm so sánh vì đã xây dựng mô hình: {left_out}.",
    "design_smallest": " Giá trị p nhỏ nhất mà kiểm định hoán vị có thể đạt: {smallest}.",
    "sens_head": "Số liệu công bố chỉ nêu mức thay đổi ({d} vụ), không nêu số vụ của hai năm",
    "sens_never": "; với bất kỳ mức nền nào, kiểm định Poisson chính xác không cho p < 0,05: có thể chỉ do ngẫu nhiên.",
    "sens_example": " (ví dụ {b} vụ còn {a} vụ, {p})",
    "sens_bound": (". Theo kiểm định Poisson chính xác, mức thay đổi này chỉ có ý nghĩa thống kê (p < 0,05) nếu cùng "
                   "kỳ năm trước có từ {n} vụ trở xuống; với mức nền lớn hơn{example}, nó có thể chỉ do ngẫu nhiên."),
    # ---- figures
    "fig": "Hình {n}. {caption}",
    "x_month": "Tháng", "x_year": "Năm", "y_cases": "Số vụ mỗi tháng", "y_share": "Tỷ lệ (%)",
    "y_eligible": "% số người đủ điều kiện", "y_count": "Số lượng", "y_unit": "Đơn vị",
    "x_value": "{label} ({unit})",
    "y_criteria": "Số tiêu chí đạt (trên {n})", "legend_year": "{year} ({n} vụ)", "target_line": "Mức tham chiếu {n}/{n}",
    "cat_social_order": "Tội phạm về trật tự xã hội", "cat_high_tech": "Tội phạm sử dụng công nghệ cao",
    "t_crimes": "Tội phạm theo tháng, năm {year} so với năm {baseline_year}",
    "t_criteria": "Số tiêu chí đạt theo năm",
    "t_shares": "Tố giác, tin báo và hồ sơ thủ tục hành chính theo tháng, năm {year}",
    "t_project06": "Đề án 06 theo tháng",
    "t_stocks": "Phòng cháy, chữa cháy và mô hình tự quản theo tháng",
    "t_units": "{label}, năm {year}: các đơn vị cùng huyện, thành phố",
    "p_tips": "Tố giác, tin báo được giải quyết", "p_online": "Hồ sơ qua dịch vụ công trực tuyến",
    "p_on_time": "Hồ sơ giải quyết đúng hạn", "p_early": "Hồ sơ giải quyết trước hạn",
    "p_chip": "Thẻ căn cước (Căn cước công dân gắn chip)", "p_vneid": "Định danh điện tử mức độ 2",
    "p_groups": "Tổ liên gia an toàn phòng cháy, chữa cháy (tổ)", "p_points": "Điểm chữa cháy công cộng (điểm)",
    "p_models": "Mô hình tự quản về an ninh, trật tự (mô hình)",
    "p_reform": "Hợp nhất đơn vị (01/07/2025)",
    "c_criteria": "Số tiêu chí đạt mỗi năm, so với mức đạt toàn bộ {n}/{n} tiêu chí.",
    "a_criteria": "Biểu đồ cột: số tiêu chí đạt của {name} theo năm {years}, trên tổng số {n} tiêu chí.",
    "c_crimes": ("Số vụ mỗi tháng theo loại tội phạm, năm {year} (màu cam) so với năm {baseline_year} (màu xám); "
                 "tổng số vụ ghi ở chú giải."),
    "a_crimes": ("Hai biểu đồ cột theo tháng: tội phạm về trật tự xã hội ({after} vụ năm {year}, {before} vụ năm "
                 "{baseline_year}) và tội phạm sử dụng công nghệ cao ({after_ht} vụ, {before_ht} vụ)."),
    "c_shares": "Tỷ lệ mỗi tháng năm {year}, mỗi chỉ số một ô; đường nét đứt là mức 100,0%.",
    "a_shares": ("Bốn biểu đồ đường theo tháng năm {year}: tỷ lệ tố giác, tin báo được giải quyết, hồ sơ qua dịch vụ "
                 "công trực tuyến, hồ sơ đúng hạn và hồ sơ trước hạn."),
    "c_project06": "Tỷ lệ trên số người đủ điều kiện, theo tháng, năm {years}.",
    "a_project06": "Biểu đồ đường theo tháng: tỷ lệ thẻ căn cước và tỷ lệ định danh điện tử mức độ 2 của {name}.",
    "c_stocks": "Số lượng cuối mỗi tháng, năm {years}.",
    "c_carried": "Từ {first} đến {last}: tổng số liệu của các đơn vị cũ trên cùng địa bàn.",
    "a_stocks": ("Biểu đồ bậc thang theo tháng: số tổ liên gia an toàn phòng cháy, chữa cháy, điểm chữa cháy công "
                 "cộng và mô hình tự quản của {name}."),
    "c_units": "{label} năm {year} của các đơn vị cùng huyện, thành phố; {name} tô màu cam.",
    "a_units": "Biểu đồ cột ngang: {label} năm {year} của {n} đơn vị, xếp từ cao xuống thấp; {name} đạt {value}.",
    # ---- the index page (pipeline.batch writes it, report.pages.index_html renders it)
    "index_title": "Báo cáo các phường — Công an phường điển hình, kiểu mẫu",
    "index_h1": "Công an phường điển hình, kiểu mẫu về an ninh, trật tự và văn minh đô thị: báo cáo theo phường",
    "index_programme": "Tổng quan chương trình — đọc trước các phường",
    "index_intro": ("Mỗi dòng là một phường và năm báo cáo, xếp theo tỉnh và năm vào chương trình; bấm tên phường để "
                    "mở báo cáo."),
    "index_legend": ("Tiêu chí: số tiêu chí đạt / số tiêu chí của bộ tiêu chí áp dụng (22 tiêu chí đến năm 2023; 20 "
                     "tiêu chí từ năm 2024 nơi áp dụng). Thay đổi tội phạm: so với cùng kỳ của năm so sánh (vụ); dấu * là thay "
                     "đổi có ý nghĩa thống kê (p < 0,05, kiểm định Poisson chính xác), không có dấu là có thể chỉ do "
                     "ngẫu nhiên. Cột "
                     "“Báo cáo” chỉ cho biết trang báo cáo đã được tạo hay chưa, không phải kết quả của phường."),
    "index_counts": "{total}: {ok} đã tạo, {skipped} không đổi (giữ bản trước), {failed} lỗi.",
    "n_reports_one": "{n} báo cáo", "n_reports_other": "{n} báo cáo",
    "index_filter": "Lọc theo tên:", "index_filter_example": "vd. duc xuan",
    "index_no_match": "Không có đơn vị nào khớp.",
    "index_provinces": "Tỉnh, thành phố:",
    "index_h_unit": "Đơn vị", "index_h_year": "Năm", "index_h_baseline": "So với", "index_h_status": "Báo cáo",
    "index_st_ok": "đã tạo", "index_st_skipped": "không đổi (giữ bản trước)", "index_st_failed": "lỗi",
    "index_failed": "Không tạo được báo cáo: {message}",
    "index_cohort": "Vào chương trình năm {cohort}",
    "index_no_cohort": "Chưa vào chương trình",
    "index_cohort_unknown": "Năm vào chương trình chưa rõ",
    "index_new_units": "Đơn vị mới có phường đã xây dựng mô hình",
    "index_province_unknown": "Chưa rõ tỉnh",
    "index_csv": "Toàn bộ chỉ số của mọi đơn vị và năm (bảng CSV):",
    "index_built": "Tạo bởi lệnh {command} từ bản dựng {build_id}.",
    "print_build": "Bản dựng {build_id}", "print_page": "Trang",
    "edition": "Bản tiếng Việt",
    "index_name_new": "{name} (đơn vị mới từ {date})",
    "index_name_until": "{name} (đến {date})",
    "index_note_partial": "so sánh {period} với cùng kỳ {baseline}",
    "index_significant": "{value} *",
}

_EN = {
    "title": "Evaluation report: model ward police for security, order and urban civilisation",
    "unit_year": "{name} {type}, {year}",
    "banner_title": "⚠ SIMULATED DATA, NOT REAL RECORDS",
    "banner_body": ("The monthly records in this report were made by the project's generator (a simulation), "
                    "calibrated so that Đức Xuân's 2023 figures equal the published ones. Do not use them to judge "
                    "a real ward."),
    "banner_body_index": ("The reports below are computed from simulated monthly records; each page says how its "
                          "data were made. Do not use them to judge a real ward."),
    "header_code": "Administrative unit code: <strong>{code}</strong> (General Statistics Office unit list, "
                   "1 March 2025); {district}, {province} province",
    "header_cohort": "Year the model was built: {cohort}",
    "header_no_cohort": "Not building the model (not in the programme list)",
    "header_code_new": "Administrative unit code: <strong>{code}</strong> (from 1 July 2025); {province} province",
    "header_no_cohort_new": "A new unit, not in the programme list; among the former units it merges, building "
                            "the model: {listed}",
    "header_period": "Report period: <strong>{period}</strong>; compared with the same period {base_period}",
    "header_partial": " (only {months} months recorded in both years; {year} has {months_in_year})",
    "header_source_synthetic": "Data: the project's simulated data",
    "header_source_real": "Data: tables supplied by the user",
    "header_source_synthetic_changed": ("Data: records marked as simulated; Đức "
                                        "Xuân's 2023 figures do not match the published ones, so this is not the "
                                        "project's simulated data as generated"),
    "banner_body_changed": ("The monthly records in this report are marked as simulated. Do not use them to judge a "
                            "real ward."),
    "s9_synthetic_changed": ("**Note:** the data here are marked as simulated; whether a figure matches the published "
                             "one says nothing about a real ward."),
    "header_successor": "Valid until {valid_to}; from 1 July 2025 part of {successor} (code {code}; Resolution "
                        "1683/NQ-UBTVQH15 of 16 June 2025)",
    "header_predecessors": "A new unit from {valid_from} (Resolution 1683/NQ-UBTVQH15 of 16 June 2025), merging: "
                           "{names}",
    "header_carried": "<strong>Figures from {first} to {last} are the sums of the former units</strong> on the "
                      "same territory (added up through the crosswalk of administrative units), so that the same "
                      "period can be compared",
    "header_not_carried": "No figures before {valid_from}: {missing} is not in the data, so the former units' "
                          "figures cannot be added up (a partial sum would be too low)",
    "summary": "Summary",
    "sum_criteria": "**Criteria:** in {year}, {status}.",
    "sum_crime": "**Social-order crime:** {verdict}.",
    "sum_services": ("**Crime reports, tips and recommendations for prosecution:** {tips} resolved; "
                     "**administrative procedure files:** {online} received through the online public-service "
                     "portal, {on_time} resolved on time."),
    "sum_impact_none": "**Impact:** {reason}",
    "sum_impact_primary": "**Impact** (primary method: {method}): {verdict}{unproven}. {others} (section 8).",
    "sum_unproven": ", so an effect of the model is not shown",
    "sum_others": "{n_same} of {n} supporting methods estimate the same direction",
    "sum_targets": "**Reference levels:** {met} of {total} met (section 11){missing}.",
    "sum_targets_missing": "; {n} without data",
    "sum_synthetic": "_These figures come from simulated data, not real records._",
    "sum_published": ("**Published figures** ({sources}): {items}. These are the source's, not computed from the "
                      "monthly records; section 9 sets them beside the recomputed ones."),
    "s1": "1. Criteria",
    "s1_status": ("**{year}: {status}.** Direction of the Chairman of Bắc Kạn's People's Committee: all "
                  "criteria ({n}/{n}) met every year by the ward chosen to build the model (Báo Bắc Kạn, "
                  "29 January 2024)."),
    "s1_status_no_source": "**{year}: {status}.**",
    "s1_register": ("The wording of the 22 criteria (Decision 5764/QĐ-BCA-V05 of 13 July 2021) is not public; the report "
                    "names a criterion when the user's criteria table gives its wording, otherwise its code."),
    "s2": "2. Crime",
    "s2_guide": ("**How to read this.** Yearly counts in a small ward vary by chance, so each change is tested "
                 "(exact Poisson test).\n"
                 "- **p** is the probability of a change this large if there were in fact no change; p < 0.05: the "
                 "difference is **statistically significant**; p ≥ 0.05: **not statistically significant** (it "
                 "could be chance).\n"
                 "- **95% CI** (95% confidence interval) is the range of ratios to the same period that fit the data; "
                 "an interval containing 1 means no conclusion on whether crime rose or fell."),
    "s2_stat_year": ("Figures use calendar months (1 January – 31 December). The yearly periodic reports of state administrative "
                     "bodies close their figures from 15 December of the previous year to 14 December of the report "
                     "year (Decree 09/2019/NĐ-CP on reporting), so figures here can differ from those reports."),
    "s2_line": "**{label}**, {year} against the same period of {baseline_year}: {verdict}. {detail}",
    "s3": "3. Crime reports, tips and recommendations for prosecution",
    "s4": "4. Administrative procedures and online public services",
    "s5": "5. Project 06 (population data, electronic identification and authentication)",
    "s6": "6. Fire prevention and firefighting",
    "s7": "7. Self-managed security and order models",
    "s8": "8. Impact: the ward against units not building the model",
    "s8_intro": ("Question: did the ward's social-order crime fall **more** than in the units of its city not building "
                 "the model, or only with the common trend and chance? Measure: cases per 1,000 residents (residents "
                 "eligible for an ID card under Project 06, an assumption). Comparison group: the units of the same "
                 "district or city not building the model by the end of the report year.\n\n"
                 "Limits to read first: one ward building the model, a few comparison units, very few cases a month. "
                 "A permutation test cannot give p below 1 divided by the number of units compared (the ward included): "
                 "1/8 with 7 comparison units. So with fewer than 20 comparison units **the two methods with a "
                 "comparison group cannot be statistically significant** at 0.05, even if the effect is real: they "
                 "give direction and size only. The interrupted time series can give a small p, "
                 "but has no comparison group: a change across the whole city also shows as an “effect”."),
    "s9": "9. Published figures and recomputed figures",
    "s9_intro": ("Published figures beside those recomputed from the monthly records. “Matches” means the recomputed "
                 "figure, rounded to the precision of the published one, equals it."),
    "s9_synthetic": ("**Note:** the data here are simulated and calibrated to the published figures, so a match "
                     "follows from how the data were made; it is not a check."),
    "s9_none": "No published figures for this unit in {year}.",
    "s9_source": "Source: {sources}.",
    "s10": "10. Standing among the other units of the district or city",
    "s10_new": "10. Standing among the other new units of the province (no districts from 1 July 2025)",
    "s10_note": ("Rank 1 is best: highest for shares, lowest for cases per 1,000 residents and for the change on the "
                 "same period. Units with the same value (as shown) are tied. The comparison covers the commune-level "
                 "units of the same district or city with data for the report year; cases are per 1,000 residents "
                 "because the units' populations differ widely."),
    "s10_note_new": ("Rank 1 is best: highest for shares, lowest for cases per 1,000 residents and for the change on "
                     "the same period. Units with the same value (as shown) are tied. The comparison covers the new "
                     "units (from 1 July 2025) of the same province with data for the whole report year; cases are per "
                     "1,000 residents because the units' populations differ widely."),
    "s11": "11. Summary: indicators against reference levels",
    "s11_note": ("The level “all criteria every year” is the direction of the Chairman of Bắc Kạn's People's "
                 "Committee for the ward chosen to build the model (Báo Bắc Kạn, 29 January 2024). The 100.0% "
                 "levels for crime reports and procedures, and “fewer than the same period” for social-order crime, "
                 "are **reference levels set by this project**, not official targets (the article reports them as "
                 "Đức Xuân's 2023 results). A fall that meets its reference level can still be chance: see section 2."),
    "s11_note_no_source": ("The level “all criteria every year” is also a reference level set by this project. The "
                           "100.0% levels for "
                           "crime reports and procedures, and “fewer than the same period” for social-order crime, "
                           "are **reference levels set by this project**, not official targets. A fall that meets its "
                           "reference level can still be chance: see section 2."),
    "complete_note": ("For a share of 100.0% (e.g. {example}) the confidence interval has only a lower end: the "
                      "process's true rate could be as low as that and still give 100.0% in the report year "
                      "(one-sided, 97.5% confidence)."),
    "method_note": ("_Method: shares add the numerators and denominators of the year's months before dividing; exact "
                    "confidence intervals (Clopper – Pearson for shares, Garwood for counts, the exact Poisson test "
                    "for two periods); a permutation test with J comparison units gives p = k/(J + 1), k the number of units "
                    "(the ward included) whose statistic is at least the ward's. Computed with the wardstudy library "
                    "from the folder `{folder}`._"),
    "h_indicator": "Indicator", "h_value": "Value", "h_fraction": "Numerator / denominator", "h_ci": "95% CI",
    "h_rank": "Rank", "h_low": "Lowest", "h_median": "Median", "h_high": "Highest",
    "h_target": "Reference level", "h_met": "Met?", "h_basis": "Basis", "h_published": "Published",
    "h_computed": "Recomputed", "h_matches": "Matches?", "h_source": "Source", "h_year": "Year",
    "h_criteria_met": "Criteria met", "h_short": "Criteria not met", "h_design": "Method",
    "h_estimate": "Estimate", "h_unit": "Unit", "h_p": "p-value", "h_min_p": "Smallest attainable p",
    "h_inference": "Test", "h_result": "Result", "h_detectable": "What this method could detect",
    "st_met": "✓ met", "st_unmet": "✗ not met", "st_no_data": "— no data",
    "st_match": "✓ matches", "st_match_synthetic": "✓ matches because the data were calibrated to the published figures",
    "st_differ": "✗ differs", "st_no_se": "— (one ward: no standard error; see the p-value)",
    "v_fell": "{a} cases, {d} fewer ({pct}) than the same period",
    "v_rose": "{a} cases, {d} more ({pct}) than the same period",
    "v_same": "{a} cases, as many as the same period",
    "v_none": "no cases in either period: nothing to judge",
    "v_incomparable": "cannot be compared: the two years have no month of records in common",
    "v_partial": " (only the months recorded in both years: {period})",
    "v_significant": "the difference is statistically significant ({p})",
    "v_not_significant": "the difference is not statistically significant ({p})",
    "v_untestable": "cannot be tested (no p-value could be computed)",
    "v_detail": "Cases were {rr} times the same period (95% CI {ci}): {judgement}.",
    "v_chance": "the change could be chance",
    "v_real_fall": "unlikely to be chance alone (a real fall, not shown to be caused by the model)",
    "v_real_rise": "unlikely to be chance alone (a real rise)",
    "i_fall": "estimates a fall",
    "i_rise": "estimates a rise",
    "i_zero": "estimates no change",
    "i_effect": " of about {n} cases a year",
    "i_floor": "; this method cannot give p below {smallest}",
    "detectable": "detects a fall of {fall} or more (cases {rr} times as many) with 80% probability, at level {level}",
    "undetectable": "even a fall of {fall} is detected with less than 80% probability (level {level})",
    "needs_units": "; reaching p < 0.05 needs at least {n} comparison units",
    "mc": " ({n} simulated worlds; 95% confidence interval of the detection probability: {low} – {high})",
    "unreachable": ("at level 0.05: no effect, however large, can be detected (p cannot go below {smallest}); "
                    "that needs at least {n} comparison units"),
    "multiple": ("**Primary method:** {method}, declared in the report's parameters before the data were seen. The "
                 "three methods are three tests on the same data: the conclusion on impact rests on the primary "
                 "method's test; the other two support it, and the method with the smallest p is not picked."),
    "primary_mark": "{name} (primary method)",
    "unreported": ("**Months without records:** {listed}. The rates of those years use the reported months only "
                   "(cases over residents times the months reported): a month not reported is never taken as 0 cases."),
    "h_estimand": "Estimates",
    "estimand_report_year": "the report year",
    "estimand_since_entry": "the average from the entry year to the report year",
    "criteria": "{met}/{total} criteria met",
    "criteria_unmet": "; not met: {ids}",
    "criteria_all": " (all met)",
    "design_none": "{ward} is not in the programme list: there is no impact to evaluate.",
    "design_later": ("{ward} builds the model from {cohort}, after the report year {year}: no period after the start "
                     "to evaluate."),
    "design_too_few": "Too few comparison units ({n}) to evaluate an impact.",
    "design_no_pre": ("{ward} builds the model from {cohort}, the first year of the data ({first}): there is no period "
                      "before the start to compare with, so no impact can be evaluated."),
    "design_new_unit": ("No impact is evaluated for the new unit {ward}: it was formed on 1 July 2025, when districts "
                        "were abolished, so there is no comparison group of the same district as in earlier years, "
                        "and {year} is not a whole year of the former units."),
    "design_new_unit_programme": (" The model's impact is evaluated on the former unit that built it, up to "
                                  "{last}: see the report of {listed}."),
    "design": ("Year the model was built: {cohort} (the list gives only the year; the report assumes it started in "
               "January {cohort}). Compared with the {n} units of its district or city not building the model by the "
               "end of {year}: {listed}."),
    "design_excluded": " Left out because already building the model: {left_out}.",
    "design_smallest": " Smallest p-value a permutation test can give: {smallest}.",
    "sens_head": "Only the change was published ({d} cases), not the two years' counts",
    "sens_never": "; at no baseline does the exact Poisson test give p < 0.05: it could be chance.",
    "sens_example": " (e.g. {b} cases down to {a}, {p})",
    "sens_bound": (". By the exact Poisson test it is statistically significant (p < 0.05) only if the same period of "
                   "the year before had {n} cases or fewer; with a larger baseline{example} it could be chance."),
    "fig": "Figure {n}. {caption}",
    "x_month": "Month", "x_year": "Year", "y_cases": "Cases per month", "y_share": "Share (%)",
    "y_eligible": "% of eligible residents", "y_count": "Count", "y_unit": "Unit",
    "x_value": "{label} ({unit})",
    "y_criteria": "Criteria met (of {n})", "legend_year": "{year} ({n} cases)", "target_line": "Reference level {n}/{n}",
    "cat_social_order": "Social-order crimes", "cat_high_tech": "High-tech crimes",
    "t_crimes": "Crimes by month, {year} against {baseline_year}",
    "t_criteria": "Criteria met by year",
    "t_shares": "Crime reports and procedure files by month, {year}",
    "t_project06": "Project 06 by month",
    "t_stocks": "Fire safety and self-managed models by month",
    "t_units": "{label}, {year}: units of the district or city",
    "p_tips": "Crime reports and tips resolved", "p_online": "Files received online",
    "p_on_time": "Files resolved on time", "p_early": "Files resolved early",
    "p_chip": "Chip-based ID card", "p_vneid": "Level-2 electronic identification",
    "p_groups": "Fire-safety inter-household groups (groups)", "p_points": "Public firefighting points (points)",
    "p_models": "Self-managed security models (models)",
    "p_reform": "Units merged (1 July 2025)",
    "c_criteria": "Criteria met each year, against all {n}/{n} criteria.",
    "a_criteria": "Bar chart: criteria met by {name} in {years}, out of {n} criteria.",
    "c_crimes": ("Cases a month by crime type, {year} (orange) against {baseline_year} (grey); the totals are in the "
                 "legend."),
    "a_crimes": ("Two monthly bar charts: social-order crimes ({after} cases in {year}, {before} in {baseline_year}) "
                 "and high-tech crimes ({after_ht} and {before_ht} cases)."),
    "c_shares": "Monthly shares in {year}, one panel per indicator; the dashed line is 100.0%.",
    "a_shares": ("Four monthly line charts for {year}: crime reports resolved, files received online, files resolved "
                 "on time and files resolved early."),
    "c_project06": "Shares of eligible residents by month, {years}.",
    "a_project06": "Monthly line chart: chip-based ID cards and level-2 electronic identification in {name}.",
    "c_stocks": "Counts at the end of each month, {years}.",
    "c_carried": "From {first} to {last}: the sums of the former units on the same territory.",
    "a_stocks": ("Monthly step chart: fire-safety inter-household groups, public firefighting points and self-managed "
                 "models in {name}."),
    "c_units": "{label} in {year} for the units of the district or city; {name} in orange.",
    "a_units": "Horizontal bar chart: {label} in {year} for {n} units, highest first; {name} has {value}.",
    # ---- the index page
    "index_title": "Ward reports — model ward police",
    "index_h1": "Model ward police for security, order and urban civilisation: reports by ward",
    "index_programme": "Programme overview — read it before the wards",
    "index_intro": ("Each row is a ward and a report year, by province and the year the ward entered the programme; "
                    "click a ward's name to open its report."),
    "index_legend": ("Criteria: criteria met / criteria of the scheme applied (22 criteria up to 2023; 20 from 2024 "
                     "where applied). Change in crime: against the same period of the comparison year (cases); * marks a "
                     "statistically significant change (p < 0.05, exact Poisson test), no mark a change that could be "
                     "chance. The "
                     "“Report” column only says whether the page was written, not how the ward did."),
    "index_counts": "{total}: {ok} written, {skipped} unchanged (earlier page kept), {failed} failed.",
    "n_reports_one": "{n} report", "n_reports_other": "{n} reports",
    "index_filter": "Filter by name:", "index_filter_example": "e.g. duc xuan",
    "index_no_match": "No unit matches.",
    "index_provinces": "Provinces:",
    "index_h_unit": "Unit", "index_h_year": "Year", "index_h_baseline": "Against", "index_h_status": "Report",
    "index_st_ok": "written", "index_st_skipped": "unchanged (earlier page kept)", "index_st_failed": "failed",
    "index_failed": "The report could not be written: {message}",
    "index_cohort": "Entered the programme in {cohort}",
    "index_no_cohort": "Not in the programme",
    "index_cohort_unknown": "Programme year unknown",
    "index_new_units": "New units containing a model ward",
    "index_province_unknown": "Province unknown",
    "index_csv": "Every indicator of every unit and year (CSV table):",
    "index_built": "Made by the command {command} from build {build_id}.",
    "print_build": "Build {build_id}", "print_page": "Page",
    "edition": "English edition",
    "index_name_new": "{name} (new unit from {date})",
    "index_name_until": "{name} (until {date})",
    "index_note_partial": "{period} compared with the same period of {baseline}",
    "index_significant": "{value} *",
}

CATALOGUE = {"vi": _VI, "en": _EN}


def text(key: str, lang: str = "vi", **values) -> str:
    """One entry of the language's catalogue, filled with `values`.

    >>> text("s1"), text("s1", "en"), text("legend_year", year=2023, n="12")
    ('1. Tiêu chí', '1. Criteria', '2023 (12 vụ)')
    """
    return entry(CATALOGUE, key, lang, **values)


def counted(key: str, n: int, lang: str = "vi", **values) -> str:
    """A number with its noun, singular or plural as the language needs ("1 report", "2
    reports"; Vietnamese nouns do not change): the catalogue's `key_one` or `key_other`.

    >>> counted("n_reports", 1, "en"), counted("n_reports", 2, "en"), counted("n_reports", 1)
    ('1 report', '2 reports', '1 báo cáo')
    """
    return text(f"{key}_{'one' if int(n) == 1 else 'other'}", lang, n=n, **values)


def entry(catalogue: dict[str, dict[str, str]], key: str, lang: str = "vi", **values) -> str:
    """`key` of `catalogue` (language -> key -> text) in `lang`, filled with `values`: the one
    lookup behind every page's catalogue (ward page, overview).

    >>> entry({"vi": {"k": "{n} vụ"}}, "k", n=3)
    '3 vụ'
    """
    return catalogue[lang][key].format(**values) if values else catalogue[lang][key]


METHOD_NAMES = {
    "vi": {"did": "Khác biệt kép (Callaway – Sant'Anna)",
           "synth": "Đối chứng tổng hợp (theo quý)",
           "its": "Chuỗi thời gian ngắt quãng (riêng phường)"},
    "en": {"did": "Difference-in-differences (Callaway – Sant'Anna)",
           "synth": "Synthetic control (quarterly)",
           "its": "Interrupted time series (the ward alone)"},
}
# The method as a sentence names it ("phương pháp chính: khác biệt kép").
METHOD_SHORT = {
    "vi": {"did": "khác biệt kép", "synth": "đối chứng tổng hợp", "its": "chuỗi thời gian ngắt quãng"},
    "en": {"did": "difference-in-differences", "synth": "synthetic control", "its": "interrupted time series"},
}
# One name per test: both comparison-group designs are judged by the same permutation test.
INFERENCE = {
    "vi": {"did": "kiểm định hoán vị ({n} hoán vị)", "synth": "kiểm định hoán vị ({n} hoán vị)",
           "its": "hồi quy Poisson, không có nhóm so sánh",
           # the time series by the family it was fitted with (`evaluate.design.ESTIMATE_COLUMNS` family)
           "its_poisson": "hồi quy Poisson, không có nhóm so sánh",
           "its_quasipoisson": "hồi quy tựa Poisson (quasi-Poisson), không có nhóm so sánh",
           "its_negativebinomial": "hồi quy nhị thức âm, không có nhóm so sánh"},
    "en": {"did": "permutation test ({n} permutations)", "synth": "permutation test ({n} permutations)",
           "its": "Poisson regression, no comparison group",
           "its_poisson": "Poisson regression, no comparison group",
           "its_quasipoisson": "quasi-Poisson regression, no comparison group",
           "its_negativebinomial": "negative binomial regression, no comparison group"},
}
ESTIMATE_UNITS = {
    "vi": {"difference": "vụ/1.000 dân/năm", "rate_ratio": "lần (sau so với trước)"},
    "en": {"difference": "cases per 1,000 residents a year", "rate_ratio": "times (after against before)"},
}


def _significance(p, lang: str, min_p=None, n_assignments=None) -> str:
    """The one verdict of a test: "(không) có ý nghĩa thống kê (p = …)"."""
    if is_missing(p):
        return text("v_untestable", lang)
    key = "v_significant" if float(p) < ALPHA else "v_not_significant"
    return text(key, lang, p=fmt_p(p, min_p, lang, n_assignments))


def crime_verdict(row, lang: str = "vi") -> str:
    """A same-period comparison (a row of `same_period_comparison`) as police reports give it.

    "xảy ra 12 vụ, giảm 07 vụ (−36,8%) so với cùng kỳ; khác biệt không có ý nghĩa thống kê
    (p = 0,28)": the count, the change in cases and percent, and the exact test's verdict.
    A part-year says which months were compared.

    >>> row = {"after": 12, "before": 19, "rate_ratio": 0.63, "ci_low": 0.28, "ci_high": 1.37,
    ...        "p_value": 0.281, "months": 12, "months_compared": "1–12", "year": 2023}
    >>> crime_verdict(row)
    'xảy ra 12 vụ, giảm 07 vụ (−36,8%) so với cùng kỳ; khác biệt không có ý nghĩa thống kê (p = 0,28)'
    >>> crime_verdict(row, lang="en")
    '12 cases, 7 fewer (−36.8%) than the same period; the difference is not statistically significant (p = 0.28)'
    """
    if is_missing(row["after"]) or is_missing(row["before"]):
        return text("v_incomparable", lang)
    a, b = int(row["after"]), int(row["before"])
    partial = (text("v_partial", lang, period=fmt_period(row["months_compared"], int(row["year"]), lang))
               if int(row["months"]) < 12 else "")
    if a == 0 and b == 0:
        return text("v_none", lang) + partial
    key = "v_fell" if a < b else ("v_rose" if a > b else "v_same")
    head = text(key, lang, a=fmt_cases(a, lang), d=fmt_cases(a - b, lang), pct=fmt_percent_change(a, b, lang))
    return f"{head}{partial}; {_significance(row['p_value'], lang)}"


def crime_detail(row, lang: str = "vi") -> str:
    """The ratio behind a verdict, with its exact interval and what it means ("" when none).

    >>> crime_detail({"after": 12, "before": 19, "rate_ratio": 0.6316, "ci_low": 0.2796, "ci_high": 1.3704,
    ...               "p_value": 0.281})
    'Số vụ bằng 0,63 lần cùng kỳ (KTC 95%: 0,28 – 1,37): mức thay đổi này có thể chỉ do ngẫu nhiên.'
    """
    if is_missing(row.get("rate_ratio")) or is_missing(row.get("after")):
        return ""
    if not is_missing(row["p_value"]) and row["p_value"] < ALPHA:
        judgement = text("v_real_fall" if row["after"] < row["before"] else "v_real_rise", lang)
    else:
        judgement = text("v_chance", lang)
    return text("v_detail", lang, rr=fmt_ratio(row["rate_ratio"], lang),
                ci=fmt_interval("ratio", row["ci_low"], row["ci_high"], lang), judgement=judgement)


def smallest_p_text(min_p, lang: str = "vi") -> str:
    """1/(J + 1) as a fraction and a decimal: 0.125 -> "1/8 = 0,125"; "—" when not defined.

    >>> smallest_p_text(0.125), smallest_p_text(float("nan"))
    ('1/8 = 0,125', '—')
    """
    if is_missing(min_p) or not math.isfinite(float(min_p)):
        return MISSING
    return fmt_p(min_p, min_p=min_p, lang=lang).removeprefix("p = ")


def impact_conclusion(row, lang: str = "vi") -> str:
    """The verdict of one impact test, in the same words as every other test on the page.

    A randomisation p is shown as k/(J + 1); when the design cannot reach 0.05 it says so.

    >>> impact_conclusion({"p_value": 0.25, "min_p_value": 0.125, "n_assignments": 8})
    'khác biệt không có ý nghĩa thống kê (p = 2/8 = 0,250); với phương pháp này p không thể nhỏ hơn 1/8 = 0,125'
    >>> impact_conclusion({"p_value": float("nan"), "min_p_value": float("nan")}, lang="en")
    'cannot be tested (no p-value could be computed)'
    """
    verdict = _significance(row["p_value"], lang, row.get("min_p_value"), row.get("n_assignments"))
    if not is_missing(row["p_value"]) and not is_missing(row.get("min_p_value")) and row["min_p_value"] >= ALPHA:
        verdict += text("i_floor", lang, smallest=smallest_p_text(row["min_p_value"], lang))
    return verdict


def _direction(row) -> int:
    """-1 for an estimated fall, +1 for a rise, 0 for none (difference < 0, or rate ratio < 1)."""
    if is_missing(row["estimate"]):
        return 0
    centre = 1.0 if row["scale"] == "rate_ratio" else 0.0
    return (row["estimate"] > centre) - (row["estimate"] < centre)


def impact_verdict(row, lang: str = "vi") -> str:
    """One wording for every design: direction, effect in cases a year, and the test's verdict.

    row: an impact estimate with `cases_per_year` (from `pipeline.ward.WardReport.impact`).

    >>> impact_verdict({"estimate": -1.57, "scale": "difference", "cases_per_year": -9.9, "p_value": 0.25,
    ...                 "min_p_value": 0.125, "n_assignments": 8}, lang="en")
    'estimates a fall of about 10 cases a year; the difference is not statistically significant (p = 2/8 = 0.250); this method cannot give p below 1/8 = 0.125'
    """
    direction = _direction(row)
    head = text({-1: "i_fall", 1: "i_rise", 0: "i_zero"}[direction], lang)
    if direction and not is_missing(row.get("cases_per_year")):
        head += text("i_effect", lang, n=fmt_number(abs(row["cases_per_year"]), 0, lang))
    return f"{head}; {impact_conclusion(row, lang)}"


def detectable_text(row, lang: str = "vi") -> str:
    """What a design could have detected (a row with `evaluate.design.DETECTABLE_COLUMNS`).

    >>> detectable_text({"mde_rate_ratio": 0.55, "mde_level": 0.125, "mde_floor": 0.25, "units_needed": 20})
    'phát hiện được mức giảm từ 45,0% trở lên (số vụ bằng 0,55 lần) với xác suất 80%, ở mức ý nghĩa 0,125; để đạt p < 0,05 cần ít nhất 20 đơn vị so sánh'
    >>> detectable_text({"mde_rate_ratio": float("nan"), "mde_level": 0.05, "mde_floor": 0.25,
    ...                  "units_needed": float("nan")}, lang="en")
    'even a fall of 75.0% is detected with less than 80% probability (level 0.05)'
    >>> detectable_text({"mde_rate_ratio": float("nan"), "mde_level": 0.05, "mde_floor": 0.25, "units_needed": 20,
    ...                  "min_p_value": 0.125}, lang="en")
    'at level 0.05: no effect, however large, can be detected (p cannot go below 1/8 = 0.125); that needs at least 20 comparison units'
    """
    min_p = row.get("min_p_value")
    # p < 0.05 cannot happen (1/(J + 1) >= 0.05): the evaluation did not simulate (mde_reachable False)
    unreachable = row.get("mde_reachable") in (False,) or (not is_missing(min_p) and min_p >= ALPHA)
    if unreachable and not is_missing(min_p) and not is_missing(row.get("units_needed")):
        # one level for verdicts and detectable effects (0.05): a test that cannot reach it detects nothing
        return text("unreachable", lang, smallest=smallest_p_text(min_p, lang), n=int(row["units_needed"]))
    level = _floor_level(row["mde_level"], lang)
    if is_missing(row["mde_rate_ratio"]):
        out = text("undetectable", lang, fall=fmt_share(1 - row["mde_floor"], lang=lang), level=level)
    else:
        out = text("detectable", lang, fall=fmt_share(1 - row["mde_rate_ratio"], lang=lang),
                   rr=fmt_ratio(row["mde_rate_ratio"], lang), level=level)
    if not is_missing(row.get("mde_power_low")) and not is_missing(row.get("mde_simulations")):
        # the Monte-Carlo error of the simulated power (Clopper - Pearson over the worlds)
        out += text("mc", lang, n=fmt_number(row["mde_simulations"], 0, lang),
                    low=fmt_share(row["mde_power_low"], lang=lang), high=fmt_share(row["mde_power_high"], lang=lang))
    if not is_missing(row.get("units_needed")):
        out += text("needs_units", lang, n=int(row["units_needed"]))
    return out


def _floor_level(level, lang: str) -> str:
    return smallest_p_text(level, lang).split(" = ")[-1] if level > ALPHA else fmt_number(ALPHA, 2, lang)


def unreported_text(missing, names: dict[str, str], lang: str = "vi") -> str:
    """The months the impact design's units did not report (``ward, month`` rows), by unit.

    >>> import pandas as pd
    >>> m = pd.DataFrame({"ward": ["song-cau", "song-cau"], "month": ["2024-11", "2024-12"]})
    >>> unreported_text(m, {"song-cau": "Sông Cầu"}, "en")[:60]
    '**Months without records:** Sông Cầu: Nov 2024, Dec 2024. Th'
    """
    listed = "; ".join(f"{names.get(w, w)}: " + ", ".join(fmt_month(int(m[:4]), int(m[5:7]), lang) for m in months)
                       for w, months in missing.groupby("ward", sort=False)["month"])
    return text("unreported", lang, listed=listed)


def multiple_tests_note(lang: str = "vi", primary: str = "did") -> str:
    """The note above the impact table: which method gives the verdict (declared before the data
    were seen), and that three methods are three tests of one data set.

    >>> multiple_tests_note("en", "synth").startswith("**Primary method:** Synthetic control (quarterly), declared")
    True
    """
    return text("multiple", lang, method=METHOD_NAMES[lang][primary])


def criteria_status_text(met: int, total: int, unmet: list[str], lang: str = "vi",
                         names: dict[str, str] | None = None) -> str:
    """E.g. "đạt 21/22 tiêu chí; chưa đạt: C20", with a criterion's wording where the
    register supplies it (names: id -> official text).

    >>> criteria_status_text(1, 3, ["C02", "C03"], names={"C02": "Trụ sở làm việc"})
    'đạt 1/3 tiêu chí; chưa đạt: C02 (Trụ sở làm việc), C03'
    """
    names = names or {}
    ids = ", ".join(f"{c} ({names[c]})" if names.get(c) else c for c in unmet)
    rest = text("criteria_unmet", lang, ids=ids) if unmet else text("criteria_all", lang)
    return text("criteria", lang, met=met, total=total) + rest


def design_text(ward: str, cohort, year: int, controls: list[str], excluded: list[str],
                names: dict[str, str] | None = None, lang: str = "vi",
                no_pre_period_since: int | None = None) -> str:
    """One paragraph saying who is compared with whom, or why nothing is evaluated.

    names: slug -> name with diacritics; slugs where absent. no_pre_period_since: the data's
    first year, for a ward that entered then and so has no period before entry to compare
    with (decided by the pipeline, `WardReport.first_year_without_pre_period`).

    >>> print(design_text("a", None, 2024, ["b", "c"], []))
    Đơn vị a không có trong danh sách xây dựng mô hình, nên không có tác động để đánh giá.
    >>> print(design_text("Điện Biên", 2021, 2024, [], [], no_pre_period_since=2021, lang="en"))  # doctest: +ELLIPSIS
    Điện Biên builds the model from 2021, the first year of the data (2021): there is no period before ...
    """
    names = names or {}
    if cohort is None or is_missing(cohort):
        return text("design_none", lang, ward=ward)
    cohort = int(cohort)
    if cohort > year:
        return text("design_later", lang, ward=ward, cohort=cohort, year=year)
    if no_pre_period_since is not None:
        return text("design_no_pre", lang, ward=ward, cohort=cohort, first=int(no_pre_period_since))
    if len(controls) < 2:
        return text("design_too_few", lang, n=len(controls))
    out = text("design", lang, cohort=cohort, n=len(controls), year=year,
               listed=", ".join(names.get(s, s) for s in controls))
    if excluded:
        out += text("design_excluded", lang, left_out=", ".join(names.get(s, s) for s in excluded))
    return out + text("design_smallest", lang, smallest=smallest_p_text(1 / (len(controls) + 1), lang))


def new_unit_design_text(ward: str, year: int, programme_parts: dict[str, int], last_year: int | None,
                         lang: str = "vi", hrefs: dict[str, str] | None = None) -> str:
    """Why a unit formed on 1 July 2025 has no impact section, and where to look instead.

    programme_parts: name -> cohort of its former units that built the model; last_year:
    the last year evaluated for them.

    >>> print(new_unit_design_text("Đức Xuân", 2025, {"Đức Xuân": 2023}, 2024))  # doctest: +ELLIPSIS
    Không đánh giá tác động cho đơn vị mới Đức Xuân: ... xem báo cáo của Đức Xuân (từ năm 2023).
    """
    out = text("design_new_unit", lang, ward=ward, year=year)
    if hrefs is not None:   # an HTML fragment whose former units link their pages
        out = escape(out)
        if programme_parts and last_year:
            slot = "\ue000"
            sentence = escape(text("design_new_unit_programme", lang, last=last_year, listed=slot))
            out += Markup(str(sentence).replace(slot, str(cohort_list(programme_parts, lang, hrefs))))
        return out
    if programme_parts and last_year:
        out += text("design_new_unit_programme", lang, last=last_year,
                    listed=cohort_list(programme_parts, lang))
    return out


def cohort_list(parts: dict[str, int], lang: str = "vi", hrefs: dict[str, str] | None = None) -> str:
    """ "Đức Xuân (từ năm 2023)" for each unit and its cohort, comma-separated; with `hrefs`
    (name -> page of the same run) an HTML fragment whose names link their pages.

    >>> cohort_list({"Xuất Hóa": 2024, "Sông Cầu": 2024}, "en")
    'Xuất Hóa (from 2024), Sông Cầu (from 2024)'
    >>> cohort_list({"Đức Xuân": 2023}, hrefs={"Đức Xuân": "duc-xuan.html"})
    Markup('<a href="duc-xuan.html">Đức Xuân</a> (từ năm 2023)')
    """
    word = "từ năm" if lang == "vi" else "from"
    if hrefs is None:
        return ", ".join(f"{name} ({word} {int(cohort)})" for name, cohort in parts.items())
    return Markup(", ").join(Markup("{} ({} {})").format(linked(name, hrefs.get(name)), word, int(cohort))
                             for name, cohort in parts.items())


def linked(name: str, href: str | None):
    """`name` as a link to `href` (a page of the same run), or the name escaped when there is none.

    >>> linked("Đức Xuân", "duc-xuan-2025.html"), linked("A & B", None)
    (Markup('<a href="duc-xuan-2025.html">Đức Xuân</a>'), Markup('A &amp; B'))
    """
    if not href:
        return escape(name)
    return Markup('<a href="{}">{}</a>').format(href, name)


def sensitivity_text(row, lang: str = "vi") -> str:
    """What a published change, known only as a difference, can and cannot show.

    row: a row of `evaluate.design.published_change_sensitivity`.

    >>> row = {"difference": -7.0, "max_significant_baseline": 8.0, "example_baseline": 20,
    ...        "example_after": 13.0, "example_p_value": 0.2962}
    >>> print(sensitivity_text(row))  # doctest: +ELLIPSIS
    Số liệu công bố chỉ nêu mức thay đổi (−7 vụ)... từ 8 vụ trở xuống... 20 vụ còn 13 vụ, p = 0,30)...
    """
    head = text("sens_head", lang, d=fmt_number(row["difference"], 0, lang))
    if is_missing(row["max_significant_baseline"]):
        return head + text("sens_never", lang)
    example = ""
    if not is_missing(row["example_p_value"]):
        example = text("sens_example", lang, b=fmt_number(row["example_baseline"], 0, lang),
                       a=fmt_number(row["example_after"], 0, lang), p=fmt_p(row["example_p_value"], lang=lang))
    return head + text("sens_bound", lang, n=fmt_number(row["max_significant_baseline"], 0, lang), example=example)


def summary_lines(*, year: int, criteria: str, crime: str, tips: str, online: str, on_time: str,
                  impact: list[dict], impact_reason: str, targets_met: int, targets_total: int,
                  targets_missing: int, is_synthetic: bool, lang: str = "vi", primary: str = "did",
                  published: str = "") -> list[str]:
    """The "Tóm tắt" that opens a ward page: 5 to 7 lines, each a finding with its verdict.

    impact: the impact rows (with `cases_per_year`), empty when nothing was evaluated, and
    then `impact_reason` says why. The impact line gives the verdict of the `primary` method
    (declared in the parameters) and how many of the others point the same way.
    published: the line of published figures (`published_summary`), shown apart from the
    figures computed from the monthly records; "" when there are none.

    >>> lines = summary_lines(year=2023, criteria="đạt 21/22 tiêu chí", crime="xảy ra 12 vụ", tips="100,0%",
    ...     online="100,0%", on_time="100,0%", impact=[], impact_reason="không có", targets_met=4,
    ...     targets_total=5, targets_missing=0, is_synthetic=False)
    >>> len(lines), lines[-1]
    (5, '**Mức tham chiếu:** đạt 4/5 mức (mục 11).')
    """
    lines = [text("sum_criteria", lang, year=year, status=criteria), text("sum_crime", lang, verdict=crime),
             text("sum_services", lang, tips=tips, online=online, on_time=on_time)]
    main = next((r for r in impact if r["method"] == primary), None)
    if main is not None:
        others = [r for r in impact if r is not main]
        significant = not is_missing(main["p_value"]) and main["p_value"] < ALPHA
        lines.append(text("sum_impact_primary", lang, method=METHOD_SHORT[lang][primary],
                          verdict=impact_verdict(main, lang), unproven="" if significant else text("sum_unproven", lang),
                          others=text("sum_others", lang, n=len(others),
                                      n_same=sum(1 for r in others if _direction(r) == _direction(main)))))
    else:
        lines.append(text("sum_impact_none", lang, reason=impact_reason))
    missing = text("sum_targets_missing", lang, n=targets_missing) if targets_missing else ""
    lines.append(text("sum_targets", lang, met=targets_met, total=targets_total, missing=missing))
    if is_synthetic:
        lines.append(text("sum_synthetic", lang))
    if published:  # after the computed lines and their data warning: a published figure is not simulated
        lines.append(published)
    return lines
