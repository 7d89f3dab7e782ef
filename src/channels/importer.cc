#include "channels/importer.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "channels/mime_parser.h"
#include "util/text.h"

namespace plume::channels {
namespace {

constexpr size_t kMaxFieldBytes = 1u << 20;
constexpr size_t kMaxJsonLineBytes = 4u << 20;

enum class Field {
  kIgnored,
  kBody,
  kSubject,
  kSenderName,
  kSenderEmail,
  kReceivedAt,
  kReply,
  kRepliedAt,
  kReplyAgent
};

Field FieldOf(std::string_view raw_name) {
  std::string name = util::FoldAccents(util::ToLowerFrench(util::Trim(raw_name)));
  static const std::map<std::string, Field, std::less<>> kNames = {
      {"body", Field::kBody},
      {"message", Field::kBody},
      {"texte", Field::kBody},
      {"subject", Field::kSubject},
      {"objet", Field::kSubject},
      {"sender_name", Field::kSenderName},
      {"nom", Field::kSenderName},
      {"sender_email", Field::kSenderEmail},
      {"email", Field::kSenderEmail},
      {"courriel", Field::kSenderEmail},
      {"received_at", Field::kReceivedAt},
      {"date", Field::kReceivedAt},
      {"reply", Field::kReply},
      {"reponse", Field::kReply},
      {"replied_at", Field::kRepliedAt},
      {"date_reponse", Field::kRepliedAt},
      {"reply_agent", Field::kReplyAgent},
      {"agent", Field::kReplyAgent}};
  auto it = kNames.find(name);
  return it == kNames.end() ? Field::kIgnored : it->second;
}

std::string_view FieldName(Field f) {
  switch (f) {
    case Field::kBody:
      return "body";
    case Field::kSubject:
      return "subject";
    case Field::kSenderName:
      return "sender_name";
    case Field::kSenderEmail:
      return "sender_email";
    case Field::kReceivedAt:
      return "received_at";
    case Field::kReply:
      return "reply";
    case Field::kRepliedAt:
      return "replied_at";
    case Field::kReplyAgent:
      return "reply_agent";
    case Field::kIgnored:
      break;
  }
  return "?";
}

bool PlausibleEmail(std::string_view e) {
  size_t at = e.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= e.size() || e.size() > 254) return false;
  return e.find_first_of(" \t\r\n<>,;\"") == std::string_view::npos &&
         e.find('@', at + 1) == std::string_view::npos;
}

// Sets one field of `rec` from text; returns a French reason when the value is bad.
std::string SetField(ImportedRecord* rec, Field f, std::string_view value) {
  if (value.size() > kMaxFieldBytes) {
    return "champ " + std::string(FieldName(f)) + " trop long (plus de 1 Mo)";
  }
  if (!util::IsValidUtf8(value)) return "champ " + std::string(FieldName(f)) + " : UTF-8 invalide";
  std::string v(f == Field::kBody || f == Field::kReply ? std::string(util::Trim(value))
                                                        : util::NormalizeSpace(value));
  switch (f) {
    case Field::kBody:
      rec->body = std::move(v);
      break;
    case Field::kSubject:
      rec->subject = std::move(v);
      break;
    case Field::kSenderName:
      rec->sender_name = std::move(v);
      break;
    case Field::kSenderEmail:
      if (!v.empty() && !PlausibleEmail(v)) return "adresse électronique invalide : " + v;
      rec->sender_email = std::move(v);
      break;
    case Field::kReceivedAt:
    case Field::kRepliedAt: {
      if (v.empty()) break;
      auto ts = ParseTimestamp(v);
      if (!ts) return "date invalide dans " + std::string(FieldName(f)) + " : " + v;
      (f == Field::kReceivedAt ? rec->received_at_ms : rec->replied_at_ms) = *ts;
      break;
    }
    case Field::kReply:
      rec->reply = std::move(v);
      break;
    case Field::kReplyAgent:
      rec->reply_agent = std::move(v);
      break;
    case Field::kIgnored:
      break;
  }
  return {};
}

std::string CheckComplete(const ImportedRecord& rec) {
  if (rec.body.empty()) return "message vide (champ body manquant ou vide)";
  return {};
}

// CSV tokenizer -------------------------------------------------------------------------------

struct CsvRow {
  int64_t line = 0;
  size_t end_offset = 0;
  std::vector<std::string> fields;
  std::string error;  // unterminated quote, oversized field
};

class CsvReader {
 public:
  CsvReader(std::string_view data, char sep) : data_(data), sep_(sep) {}

  // False at end of data.
  bool Next(CsvRow* row) {
    row->fields.clear();
    row->error.clear();
    if (pos_ >= data_.size()) return false;
    row->line = line_;
    std::string field;
    bool quoted = false;
    bool field_started_quoted = false;
    while (pos_ < data_.size()) {
      char c = data_[pos_];
      if (quoted) {
        if (c == '"') {
          if (pos_ + 1 < data_.size() && data_[pos_ + 1] == '"') {
            field.push_back('"');
            pos_ += 2;
            continue;
          }
          quoted = false;
          ++pos_;
          continue;
        }
        if (c == '\n') ++line_;
        field.push_back(c);
        ++pos_;
        if (field.size() > kMaxFieldBytes + 1) {
          row->error = "champ trop long (plus de 1 Mo)";
          SkipToLineEnd();
          row->end_offset = pos_;
          return true;
        }
        continue;
      }
      if (c == '"' && field.empty() && !field_started_quoted) {
        quoted = true;
        field_started_quoted = true;
        ++pos_;
        continue;
      }
      if (c == sep_) {
        row->fields.push_back(std::move(field));
        field.clear();
        field_started_quoted = false;
        ++pos_;
        continue;
      }
      if (c == '\r' && pos_ + 1 < data_.size() && data_[pos_ + 1] == '\n') {
        ++pos_;
        continue;
      }
      if (c == '\n') {
        ++pos_;
        ++line_;
        break;
      }
      field.push_back(c);
      ++pos_;
      if (field.size() > kMaxFieldBytes + 1) {
        row->error = "champ trop long (plus de 1 Mo)";
        SkipToLineEnd();
        row->end_offset = pos_;
        return true;
      }
    }
    if (quoted) row->error = "guillemet non fermé (le reste du fichier est ignoré)";
    row->fields.push_back(std::move(field));
    row->end_offset = pos_;
    return true;
  }

 private:
  void SkipToLineEnd() {
    size_t nl = data_.find('\n', pos_);
    pos_ = nl == std::string_view::npos ? data_.size() : nl + 1;
    ++line_;
  }

  std::string_view data_;
  char sep_;
  size_t pos_ = 0;
  int64_t line_ = 1;
};

bool BlankRow(const CsvRow& row) {
  return row.fields.size() == 1 && util::Trim(row.fields[0]).empty();
}

// Civil date to days since 1970-01-01 (Howard Hinnant's algorithm).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

bool ReadInt(std::string_view s, size_t* pos, size_t digits, int* out) {
  if (*pos + digits > s.size()) return false;
  int v = 0;
  for (size_t i = 0; i < digits; ++i) {
    char c = s[*pos + i];
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *pos += digits;
  *out = v;
  return true;
}

bool Expect(std::string_view s, size_t* pos, char c) {
  if (*pos < s.size() && s[*pos] == c) {
    ++*pos;
    return true;
  }
  return false;
}

}  // namespace

bool ParseImportFormat(std::string_view text, ImportFormat* out) {
  if (text == "csv")
    *out = ImportFormat::kCsv;
  else if (text == "jsonl")
    *out = ImportFormat::kJsonl;
  else if (text == "mbox")
    *out = ImportFormat::kMbox;
  else
    return false;
  return true;
}

std::optional<int64_t> ParseTimestamp(std::string_view text) {
  std::string_view s = util::Trim(text);
  size_t pos = 0;
  int year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, millis = 0;
  if (s.size() >= 10 && s[2] == '/' && s[5] == '/') {  // DD/MM/YYYY
    if (!ReadInt(s, &pos, 2, &day) || !Expect(s, &pos, '/') || !ReadInt(s, &pos, 2, &month) ||
        !Expect(s, &pos, '/') || !ReadInt(s, &pos, 4, &year)) {
      return std::nullopt;
    }
  } else if (!ReadInt(s, &pos, 4, &year) || !Expect(s, &pos, '-') || !ReadInt(s, &pos, 2, &month) ||
             !Expect(s, &pos, '-') || !ReadInt(s, &pos, 2, &day)) {
    return std::nullopt;
  }
  static constexpr int kMonthDays[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (year < 1970 || year > 9999 || month < 1 || month > 12 || day < 1 ||
      day > kMonthDays[month - 1]) {
    return std::nullopt;
  }
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  if (month == 2 && day == 29 && !leap) return std::nullopt;
  int offset_minutes = 0;
  if (pos < s.size()) {
    if (s[pos] != 'T' && s[pos] != ' ') return std::nullopt;
    ++pos;
    if (!ReadInt(s, &pos, 2, &hour) || !Expect(s, &pos, ':') || !ReadInt(s, &pos, 2, &minute)) {
      return std::nullopt;
    }
    if (Expect(s, &pos, ':') && !ReadInt(s, &pos, 2, &second)) return std::nullopt;
    if (Expect(s, &pos, '.')) {
      size_t start = pos;
      int digits = 0;
      while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
        if (digits < 3) millis = millis * 10 + (s[pos] - '0');
        ++digits;
        ++pos;
      }
      if (pos == start) return std::nullopt;
      while (digits < 3) {
        millis *= 10;
        ++digits;
      }
    }
    if (hour > 23 || minute > 59 || second > 60) return std::nullopt;
    if (pos < s.size()) {
      if (s[pos] == 'Z' && pos + 1 == s.size()) {
        ++pos;
      } else if (s[pos] == '+' || s[pos] == '-') {
        int sign = s[pos] == '-' ? -1 : 1;
        ++pos;
        int oh = 0, om = 0;
        if (!ReadInt(s, &pos, 2, &oh)) return std::nullopt;
        Expect(s, &pos, ':');
        if (!ReadInt(s, &pos, 2, &om) || oh > 14 || om > 59) return std::nullopt;
        offset_minutes = sign * (oh * 60 + om);
      }
      if (pos != s.size()) return std::nullopt;
    }
  }
  int64_t days = DaysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  int64_t secs = days * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60;
  return secs * 1000 + millis;
}

Status ParseCsvRecords(std::string_view data, const RecordVisitor& visitor) {
  if (data.substr(0, 3) == "\xEF\xBB\xBF") data.remove_prefix(3);
  if (util::Trim(data).empty()) return InvalidArgument("fichier CSV vide");
  std::string_view first_line = data.substr(0, data.find('\n'));
  char sep = std::count(first_line.begin(), first_line.end(), ';') >
                     std::count(first_line.begin(), first_line.end(), ',')
                 ? ';'
                 : ',';
  CsvReader reader(data, sep);
  CsvRow header;
  if (!reader.Next(&header) || !header.error.empty()) {
    return InvalidArgument("en-tête CSV illisible");
  }
  std::vector<Field> columns;
  bool has_body = false;
  for (const std::string& name : header.fields) {
    columns.push_back(FieldOf(name));
    has_body = has_body || columns.back() == Field::kBody;
  }
  if (!has_body) {
    return InvalidArgument("l'en-tête CSV n'a pas de colonne « body » (ou « message »)");
  }
  CsvRow row;
  while (reader.Next(&row)) {
    if (BlankRow(row) && row.error.empty()) continue;
    std::string reason = row.error;
    if (reason.empty() && row.fields.size() != columns.size()) {
      reason = std::to_string(row.fields.size()) + " colonnes au lieu de " +
               std::to_string(columns.size());
    }
    ImportedRecord rec;
    rec.line = row.line;
    rec.end_offset = row.end_offset;
    for (size_t i = 0; reason.empty() && i < columns.size(); ++i) {
      if (columns[i] != Field::kIgnored) reason = SetField(&rec, columns[i], row.fields[i]);
    }
    if (reason.empty()) reason = CheckComplete(rec);
    if (!reason.empty()) {
      visitor.on_error(RowError{row.line, row.end_offset, std::move(reason)});
      continue;
    }
    PLUME_RETURN_IF_ERROR(visitor.on_record(std::move(rec)));
  }
  return Status::Ok();
}

Status ParseJsonlRecords(std::string_view data, const RecordVisitor& visitor) {
  if (util::Trim(data).empty()) return InvalidArgument("fichier JSON Lines vide");
  size_t start = 0;
  int64_t line_no = 0;
  if (data.substr(0, 3) == "\xEF\xBB\xBF") start = 3;
  while (start < data.size()) {
    ++line_no;
    size_t nl = data.find('\n', start);
    size_t end = nl == std::string_view::npos ? data.size() : nl + 1;
    std::string_view line = util::Trim(data.substr(start, end - start));
    start = end;
    if (line.empty()) continue;
    auto error = [&](std::string reason) {
      visitor.on_error(RowError{line_no, end, std::move(reason)});
    };
    if (line.size() > kMaxJsonLineBytes) {
      error("ligne trop longue (plus de 4 Mo)");
      continue;
    }
    nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) {
      error("JSON invalide");
      continue;
    }
    if (!j.is_object()) {
      error("la ligne n'est pas un objet JSON");
      continue;
    }
    ImportedRecord rec;
    rec.line = line_no;
    rec.end_offset = end;
    std::string reason;
    for (const auto& [key, value] : j.items()) {
      Field f = FieldOf(key);
      if (f == Field::kIgnored || value.is_null()) continue;
      if ((f == Field::kReceivedAt || f == Field::kRepliedAt) && value.is_number_integer()) {
        int64_t ms = value.get<int64_t>();
        if (ms < 0) {
          reason = "date négative dans " + std::string(FieldName(f));
          break;
        }
        (f == Field::kReceivedAt ? rec.received_at_ms : rec.replied_at_ms) = ms;
        continue;
      }
      if (!value.is_string()) {
        reason = "champ " + std::string(FieldName(f)) + " : texte attendu";
        break;
      }
      reason = SetField(&rec, f, value.get_ref<const std::string&>());
      if (!reason.empty()) break;
    }
    if (reason.empty()) reason = CheckComplete(rec);
    if (!reason.empty()) {
      error(std::move(reason));
      continue;
    }
    PLUME_RETURN_IF_ERROR(visitor.on_record(std::move(rec)));
  }
  return Status::Ok();
}

Status ParseMboxRecords(std::string_view data, const RecordVisitor& visitor) {
  if (util::Trim(data).empty()) return InvalidArgument("fichier mbox vide");
  if (data.substr(0, 5) != "From ") {
    return InvalidArgument("pas un fichier mbox (la première ligne ne commence pas par « From »)");
  }
  size_t pos = 0;
  int64_t line_no = 1;
  while (pos < data.size()) {
    // [pos, next) is one message including its "From " separator line.
    int64_t start_line = line_no;
    size_t next = data.size();
    size_t scan = pos;
    bool prev_blank = false;
    bool first = true;
    while (scan < data.size()) {
      size_t nl = data.find('\n', scan);
      size_t end = nl == std::string_view::npos ? data.size() : nl + 1;
      std::string_view line = data.substr(scan, end - scan);
      if (!first && (prev_blank || scan == pos) && line.substr(0, 5) == "From ") {
        next = scan;
        break;
      }
      std::string_view content = line;
      while (!content.empty() && (content.back() == '\n' || content.back() == '\r')) {
        content.remove_suffix(1);
      }
      prev_blank = content.empty();
      first = false;
      ++line_no;
      scan = end;
    }
    std::string_view chunk = data.substr(pos, next - pos);
    pos = next;
    size_t body_start = chunk.find('\n');
    std::string raw;
    if (body_start != std::string_view::npos) {
      // mboxrd: one '>' is removed from lines matching ^>+From .
      std::string_view rest = chunk.substr(body_start + 1);
      raw.reserve(rest.size());
      size_t p = 0;
      while (p < rest.size()) {
        size_t nl = rest.find('\n', p);
        size_t end = nl == std::string_view::npos ? rest.size() : nl + 1;
        std::string_view line = rest.substr(p, end - p);
        size_t gt = line.find_first_not_of('>');
        if (gt != 0 && gt != std::string_view::npos && line.substr(gt, 5) == "From ") {
          line.remove_prefix(1);
        }
        raw.append(line);
        p = end;
      }
    }
    auto email = ParseEmail(raw);
    if (!email.ok()) {
      visitor.on_error(
          RowError{start_line, pos, "message illisible : " + email.status().ToString()});
      continue;
    }
    ImportedRecord rec;
    rec.line = start_line;
    rec.end_offset = pos;
    rec.subject = email->subject;
    rec.body = email->body;
    rec.sender_name = email->from_name;
    rec.sender_email = email->from_email;
    rec.received_at_ms = email->date_ms;
    rec.message_id = email->message_id;
    std::string reason = CheckComplete(rec);
    if (!reason.empty()) {
      visitor.on_error(RowError{start_line, pos, "message sans texte"});
      continue;
    }
    PLUME_RETURN_IF_ERROR(visitor.on_record(std::move(rec)));
  }
  return Status::Ok();
}

Result<ImportReport> Importer::Import(ImportFormat format, std::string_view data,
                                      const std::string& service, Progress* progress) {
  if (service.empty()) return InvalidArgument("service vide");
  NullProgress null_progress;
  if (!progress) progress = &null_progress;
  progress->Start("import", static_cast<int64_t>(data.size()));
  ImportReport report;
  auto reject = [&](RowError e) {
    ++report.rejected;
    if (report.errors.size() < ImportReport::kMaxReportedErrors) {
      report.errors.push_back(std::move(e));
    }
  };
  RecordVisitor visitor;
  visitor.on_error = [&](RowError e) {
    progress->Update(static_cast<int64_t>(e.end_offset));
    reject(std::move(e));
  };
  visitor.on_record = [&](ImportedRecord rec) -> Status {
    progress->Update(static_cast<int64_t>(rec.end_offset));
    const int64_t now = clock_->NowMillis();
    Message m;
    m.service = service;
    m.channel = Channel::kImport;
    m.sender_name = rec.sender_name;
    m.sender_email = rec.sender_email;
    m.subject = rec.subject;
    m.body = rec.body;
    m.received_at_ms = rec.received_at_ms.value_or(now);
    if (router_ != nullptr) PLUME_RETURN_IF_ERROR(router_->Route(&m));
    auto id = store_->CreateMessage(m);
    if (!id.ok()) {
      if (id.status().code() != StatusCode::kInvalidArgument) return id.status();
      reject(RowError{rec.line, rec.end_offset, "refusé par la base : " + id.status().message()});
      return Status::Ok();
    }
    ++report.imported;
    if (rec.reply.empty()) return Status::Ok();
    Decision d;
    d.message_id = *id;
    d.agent = rec.reply_agent.empty() ? "import" : rec.reply_agent;
    d.kind = DecisionKind::kWrittenWithoutAi;
    d.final_text = rec.reply;
    d.decided_at_ms = rec.replied_at_ms.value_or(m.received_at_ms);
    auto decision = store_->RecordDecision(d);
    if (!decision.ok()) {
      if (decision.status().code() != StatusCode::kInvalidArgument) return decision.status();
      reject(RowError{rec.line, rec.end_offset,
                      "message importé sans sa réponse : " + decision.status().message()});
      return Status::Ok();
    }
    ++report.with_reply;
    return Status::Ok();
  };
  Status st;
  switch (format) {
    case ImportFormat::kCsv:
      st = ParseCsvRecords(data, visitor);
      break;
    case ImportFormat::kJsonl:
      st = ParseJsonlRecords(data, visitor);
      break;
    case ImportFormat::kMbox:
      st = ParseMboxRecords(data, visitor);
      break;
  }
  progress->Finish();
  if (!st.ok()) return st;
  return report;
}

}  // namespace plume::channels
