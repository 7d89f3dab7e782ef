// An import parser (PLUME_FUZZ_PARSER: ParseCsvRecords, ParseJsonlRecords or ParseMboxRecords)
// on arbitrary bytes: no crash, every record valid UTF-8 with a body, line numbers increasing.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "channels/importer.h"
#include "util/text.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  int64_t last_line = 0;
  plume::channels::RecordVisitor visitor;
  visitor.on_record = [&](plume::channels::ImportedRecord rec) {
    if (rec.body.empty() || !plume::util::IsValidUtf8(rec.body) ||
        !plume::util::IsValidUtf8(rec.subject) || !plume::util::IsValidUtf8(rec.reply)) {
      abort();
    }
    if (rec.line < last_line || rec.end_offset > size) abort();
    last_line = rec.line;
    return plume::Status::Ok();
  };
  visitor.on_error = [&](plume::channels::RowError e) {
    if (e.line < last_line || !plume::util::IsValidUtf8(e.reason)) abort();
    last_line = e.line;
  };
  (void)plume::channels::PLUME_FUZZ_PARSER(text, visitor);
  return 0;
}
