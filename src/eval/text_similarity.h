// Lexical similarity between a draft and a reference answer, for draft evaluation.
#pragma once

#include <string_view>

namespace plume::eval {

// ROUGE-L F1 (beta = 1) over word tokens: lower-cased, accents folded, split on anything but
// letters and digits. 0 when either side has no token.
double RougeL(std::string_view candidate, std::string_view reference);

// chrF (Popović 2015): character n-gram F-score, n = 1..6 averaged, beta = 2, white space
// removed, lower-cased. 0 when either side is empty.
double ChrF(std::string_view candidate, std::string_view reference);

}  // namespace plume::eval
