#include "privacy/synthetic.h"

#include <array>
#include <random>
#include <string_view>

namespace plume::privacy {
namespace {

constexpr std::array<std::string_view, 40> kFirstNames = {
    "Jean", "Marie", "Pierre-Yves", "Nathalie", "Mohamed", "Sophie", "Karim", "Isabelle",
    "Jean-Pierre", "Aurélie", "Thierry", "Fatima", "Christophe", "Céline", "Nicolas", "Émilie",
    "Mathieu", "Sandrine", "Youssef", "Hélène", "Françoise", "Bernard", "Chloé", "Lucas",
    "Camille", "Hugo", "Léa", "Manon", "Antoine", "Océane", "Patrick", "Valérie", "Amadou",
    "Inès", "Grégory", "Annick", "Gaëlle", "Yannick", "Josiane", "Rémi"};

// Deliberately mostly absent from resources/privacy/surnames.txt, so that the evaluation does not
// only measure the list.
constexpr std::array<std::string_view, 40> kSurnames = {
    "Lemercier", "Kerbrat", "Dufresne", "Bouchard", "Hamelin", "Lagarde", "Poncet", "Vial",
    "Brossard", "Caillaud", "Jolivet", "Maury", "Pruvost", "Rigaud", "Vernet", "Ogier", "Bazin",
    "Chollet", "Delorme", "Esnault", "Ferrandi", "Goujon", "Hennequin", "Issartel", "Jacquemin",
    "Laffont", "Mabille", "Nédélec", "Ollier", "Peyrat", "Quesnel", "Rabier", "Sarrazin",
    "Tardieu", "Uzan", "Vasseur", "Le Guennec", "Benhamou", "N'Diaye", "Da Costa"};

constexpr std::array<std::string_view, 12> kDomains = {
    "gmail.com", "orange.fr", "free.fr", "laposte.net", "yahoo.fr", "hotmail.fr", "sfr.fr",
    "outlook.com", "wanadoo.fr", "icloud.com", "proton.me", "mairie-exemple.fr"};

constexpr std::array<std::string_view, 14> kStreets = {
    "rue des Lilas", "avenue Jean Jaurès", "boulevard de la République", "impasse du Moulin",
    "chemin des Vignes", "allée Victor Hugo", "place de l'Église", "rue du Général de Gaulle",
    "route de Lyon", "quai Saint-Cyr", "rue Pasteur", "avenue des Tilleuls", "bd Voltaire",
    "rue de la Gare"};

constexpr std::array<std::string_view, 10> kCities = {
    "75011 Paris", "69007 Lyon", "13001 Marseille", "31200 Toulouse", "44000 Nantes",
    "59800 Lille", "35000 Rennes", "67000 Strasbourg", "20000 Ajaccio", "33800 Bordeaux"};

constexpr std::array<std::string_view, 12> kMonths = {
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre"};

constexpr std::array<std::string_view, 14> kDistractors = {
    "Le montant versé était de 1 250,00 € au lieu de 1 480,50 €.",
    "J'ai déposé ma demande le 15/04/2024 à 14h30.",
    "Ma demande porte la référence 2024-12345 du 3 mars 2024.",
    "Selon l'article L. 262-2 du code de l'action sociale, j'y ai droit.",
    "La loi n° 2016-1321 du 7 octobre 2016 s'applique.",
    "Je touche le RSA de 607,75 euros depuis 2021.",
    "J'ai appelé trois fois la semaine dernière, sans réponse.",
    "Mon loyer est passé de 540 à 610 euros en janvier 2024.",
    "Le courrier du 12 février mentionne un délai de 30 jours.",
    "Pouvez-vous me dire où en est mon dossier ?",
    "Je vous joins les 2 pièces demandées (avis d'imposition 2023 et bail).",
    "Le bureau ouvre de 8h30 à 12h00 du lundi au vendredi.",
    "Depuis le 1er septembre, je ne reçois plus rien.",
    "Mon fils de 12 ans est scolarisé en 5e au collège."};

class Rng {
 public:
  explicit Rng(uint32_t seed) : gen_(seed) {}
  int Uniform(int n) { return static_cast<int>(gen_() % static_cast<uint32_t>(n)); }
  bool Coin() { return Uniform(2) == 0; }
  char Digit() { return static_cast<char>('0' + Uniform(10)); }
  std::string Digits(int n) {
    std::string s;
    for (int i = 0; i < n; ++i) s.push_back(Digit());
    return s;
  }
  template <typename C>
  std::string_view Pick(const C& c) {
    return c[static_cast<size_t>(Uniform(static_cast<int>(c.size())))];
  }

 private:
  std::mt19937 gen_;
};

int Mod97(std::string_view digits) {
  int rem = 0;
  for (char c : digits) rem = (rem * 10 + (c - '0')) % 97;
  return rem;
}

char LuhnCheckDigit(std::string_view payload) {
  // Digit d such that payload + d passes Luhn.
  for (char d = '0'; d <= '9'; ++d) {
    std::string s(payload);
    s.push_back(d);
    int sum = 0;
    bool twice = false;
    for (size_t i = s.size(); i-- > 0;) {
      int v = s[i] - '0';
      if (twice) {
        v *= 2;
        if (v > 9) v -= 9;
      }
      sum += v;
      twice = !twice;
    }
    if (sum % 10 == 0) return d;
  }
  return '0';
}

std::string Pad2(int v) {
  std::string out;
  if (v < 10) out.push_back('0');
  out += std::to_string(v);
  return out;
}

std::string Group(std::string_view s, std::initializer_list<int> sizes, std::string_view sep) {
  std::string out;
  size_t pos = 0;
  for (int n : sizes) {
    if (pos >= s.size()) break;
    if (!out.empty()) out.append(sep);
    out.append(s.substr(pos, static_cast<size_t>(n)));
    pos += static_cast<size_t>(n);
  }
  if (pos < s.size()) {
    out.append(sep);
    out.append(s.substr(pos));
  }
  return out;
}

std::string Group4(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); i += 4) {
    if (i > 0) out.push_back(' ');
    out.append(s.substr(i, 4));
  }
  return out;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Builds a message while recording gold spans.
class Builder {
 public:
  void Text(std::string_view s) { msg_.text.append(s); }
  void Pii(PiiType type, std::string_view s) {
    msg_.spans.push_back({type, msg_.text.size(), msg_.text.size() + s.size()});
    msg_.text.append(s);
  }
  LabelledMessage Take() { return std::move(msg_); }

 private:
  LabelledMessage msg_;
};

class Generator {
 public:
  explicit Generator(uint32_t seed) : rng_(seed) {}

  std::string Phone() {
    std::string national = "0";
    national.push_back(static_cast<char>('1' + rng_.Uniform(9)));
    national += rng_.Digits(8);
    std::string rest = national.substr(1);
    switch (rng_.Uniform(9)) {
      case 0: return Group(national, {2, 2, 2, 2, 2}, " ");
      case 1: return Group(national, {2, 2, 2, 2, 2}, ".");
      case 2: return national;
      case 3: return Group(national, {2, 2, 2, 2, 2}, "-");
      case 4: return "+33 " + Group(rest, {1, 2, 2, 2, 2}, " ");
      case 5: return "+33" + rest;
      case 6: return "0033 " + Group(rest, {1, 2, 2, 2, 2}, " ");
      case 7: return "+33 (0)" + Group(rest, {1, 2, 2, 2, 2}, " ");
      default: return Group(national, {2, 4, 4}, " ");
    }
  }

  std::string Nir(bool valid = true) {
    std::string n;
    n.push_back(rng_.Coin() ? '1' : '2');
    n += rng_.Digits(2);
    int month = 1 + rng_.Uniform(12);
    n += Pad2(month);
    std::string dept;
    std::string dept_numeric;
    int d = rng_.Uniform(20);
    if (d == 0) {
      dept = "2A";
      dept_numeric = "19";
    } else if (d == 1) {
      dept = "2B";
      dept_numeric = "18";
    } else {
      int v = 1 + rng_.Uniform(95);
      if (v == 20) v = 21;
      dept = Pad2(v);
      dept_numeric = dept;
    }
    std::string tail = rng_.Digits(6);
    std::string numeric = n + dept_numeric + tail;
    int key = 97 - Mod97(numeric);
    if (!valid) key = key == 97 ? 1 : key + 1;
    std::string k = Pad2(key);
    std::string full = n + dept + tail + k;
    switch (rng_.Uniform(4)) {
      case 0: return Group(full, {1, 2, 2, 2, 3, 3, 2}, " ");
      case 1: return full;
      case 2: return Group(full, {1, 2, 2, 2, 3, 3, 2}, ".");
      default: return Group(full, {13, 2}, " ");
    }
  }

  std::string Iban(bool valid = true) {
    std::string country;
    std::string bban;
    switch (rng_.Uniform(6)) {
      case 0:
        country = "DE";
        bban = rng_.Digits(18);
        break;
      case 1:
        country = "BE";
        bban = rng_.Digits(12);
        break;
      case 2:
        country = "ES";
        bban = rng_.Digits(20);
        break;
      default:
        country = "FR";
        bban = rng_.Digits(23);
        break;
    }
    // Check digits: 98 - (BBAN + country digits + "00") mod 97.
    std::string numeric = bban;
    for (char c : country) numeric += std::to_string(c - 'A' + 10);
    numeric += "00";
    int check = 98 - Mod97(numeric);
    if (!valid) check = check == 98 ? 2 : check + 1;
    std::string iban = country + Pad2(check) + bban;
    switch (rng_.Uniform(4)) {
      case 0: return iban;
      case 1: return Lower(Group4(iban));
      default: return Group4(iban);
    }
  }

  std::string Siren(bool valid = true) {
    std::string payload = rng_.Digits(8);
    payload.insert(payload.begin(), static_cast<char>('1' + rng_.Uniform(9)));
    payload.pop_back();
    char check = LuhnCheckDigit(payload);
    if (!valid) check = check == '9' ? '0' : static_cast<char>(check + 1);
    return payload + check;
  }

  std::string Siret() {
    std::string siren = Siren();
    std::string nic = rng_.Digits(4);
    std::string full = siren + nic;
    full.push_back(LuhnCheckDigit(full));
    switch (rng_.Uniform(3)) {
      case 0: return Group(full, {3, 3, 3, 5}, " ");
      case 1: return full;
      default: return Group(full, {9, 5}, " ");
    }
  }

  std::string FormatSiren(const std::string& s) {
    return rng_.Coin() ? Group(s, {3, 3, 3}, " ") : s;
  }

  std::string TaxNumber() {
    std::string s;
    s.push_back(static_cast<char>('0' + rng_.Uniform(4)));
    s += rng_.Digits(12);
    return rng_.Coin() ? s : Group(s, {2, 2, 3, 3, 3}, " ");
  }

  std::string Plate() {
    auto letter = [&] {
      static constexpr std::string_view kLetters = "ABCDEFGHJKLMNPQRSTVWXYZ";
      return kLetters[static_cast<size_t>(rng_.Uniform(static_cast<int>(kLetters.size())))];
    };
    std::string a{letter(), letter()};
    std::string b{letter(), letter()};
    std::string num = rng_.Digits(3);
    switch (rng_.Uniform(4)) {
      case 0: return a + "-" + num + "-" + b;
      case 1: return a + " " + num + " " + b;
      case 2: return a + num + b;
      default: {
        int dept = 1 + rng_.Uniform(95);
        return std::to_string(100 + rng_.Uniform(9000)) + " " + std::string{letter(), letter()} +
               " " + Pad2(dept);
      }
    }
  }

  std::string BirthDate() {
    int day = 1 + rng_.Uniform(28);
    int month = 1 + rng_.Uniform(12);
    int year = 1940 + rng_.Uniform(66);
    switch (rng_.Uniform(5)) {
      case 0: return Pad2(day) + "/" + Pad2(month) + "/" + std::to_string(year);
      case 1:
        return (day == 1 ? std::string("1er") : std::to_string(day)) + " " +
               std::string(kMonths[static_cast<size_t>(month - 1)]) + " " + std::to_string(year);
      case 2: return std::to_string(year) + "-" + Pad2(month) + "-" + Pad2(day);
      case 3: return Pad2(day) + "." + Pad2(month) + "." + Pad2(year % 100);
      default: return std::to_string(day) + "/" + std::to_string(month) + "/" + std::to_string(year);
    }
  }

  std::string Address() {
    std::string number = std::to_string(1 + rng_.Uniform(150));
    if (rng_.Uniform(6) == 0) number += " bis";
    std::string street(rng_.Pick(kStreets));
    switch (rng_.Uniform(4)) {
      case 0: return number + " " + street;
      case 1: return number + ", " + street + ", " + std::string(rng_.Pick(kCities));
      case 2: return number + " " + street + "\n" + std::string(rng_.Pick(kCities));
      default: return number + " " + street + " " + std::string(rng_.Pick(kCities));
    }
  }

  std::string Email(std::string_view first, std::string_view last) {
    std::string f = AsciiOnly(Lower(first));
    std::string l = AsciiOnly(Lower(last));
    std::string domain(rng_.Pick(kDomains));
    switch (rng_.Uniform(5)) {
      case 0: return f + "." + l + "@" + domain;
      case 1: return f.substr(0, 1) + "." + l + rng_.Digits(2) + "@" + domain;
      case 2: return l + "_" + f + "@" + domain;
      case 3: return f + "-" + l + "+caf@" + domain;
      default: return std::string(1, static_cast<char>(f[0] - 32)) + f.substr(1) + "." + l + "@" +
                      domain;
    }
  }

  LabelledMessage Message() {
    Builder b;
    std::string first(rng_.Pick(kFirstNames));
    std::string last(rng_.Pick(kSurnames));
    bool female = rng_.Coin();
    b.Text(rng_.Coin() ? "Bonjour Madame, Monsieur,\n\n" : "Madame, Monsieur,\n\n");
    int sentences = 3 + rng_.Uniform(4);
    for (int i = 0; i < sentences; ++i) {
      Sentence(&b, first, last, female);
      b.Text(rng_.Uniform(3) == 0 ? "\n" : " ");
    }
    b.Text(rng_.Pick(kDistractors));
    b.Text("\n\n");
    switch (rng_.Uniform(3)) {
      case 0: b.Text("Cordialement,\n"); break;
      case 1: b.Text("Bien cordialement,\n\n"); break;
      default:
        b.Text("Veuillez agréer, Madame, Monsieur, l'expression de mes salutations "
               "distinguées.\n");
        break;
    }
    if (rng_.Uniform(3) == 0) {
      b.Text(female ? "Mme " : "M. ");
      b.Pii(PiiType::kName, last);
    } else if (rng_.Uniform(2) == 0) {
      std::string upper_last;
      for (char c : last) upper_last.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
      b.Pii(PiiType::kName, upper_last + " " + first);
    } else {
      b.Pii(PiiType::kName, first + " " + last);
    }
    b.Text("\n");
    if (rng_.Coin()) {
      b.Pii(PiiType::kAddress, Address());
      b.Text("\nTél. : ");
      b.Pii(PiiType::kPhone, Phone());
      b.Text("\n");
    }
    return b.Take();
  }

 private:
  static std::string AsciiOnly(std::string_view s) {
    std::string out;
    for (char c : s) {
      auto u = static_cast<unsigned char>(c);
      if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9')) out.push_back(c);
    }
    return out.empty() ? std::string("usager") : out;
  }

  void Sentence(Builder* b, const std::string& first, const std::string& last, bool female) {
    switch (rng_.Uniform(22)) {
      case 0:
        b->Text("Je m'appelle ");
        b->Pii(PiiType::kName, first + " " + last);
        b->Text(" et je vous écris au sujet de mon dossier.");
        break;
      case 1:
        b->Text(rng_.Coin() ? "Mon numéro de sécurité sociale est le " : "NIR : ");
        b->Pii(PiiType::kNir, Nir());
        b->Text(".");
        break;
      case 2:
        b->Text("Vous pouvez me joindre au ");
        b->Pii(PiiType::kPhone, Phone());
        b->Text(" ou par courriel à ");
        b->Pii(PiiType::kEmail, Email(first, last));
        b->Text(".");
        break;
      case 3:
        b->Text(rng_.Coin() ? "Voici mon RIB pour le remboursement : " : "IBAN ");
        b->Pii(PiiType::kIban, Iban());
        b->Text(rng_.Coin() ? "." : " merci.");
        break;
      case 4:
        b->Text(rng_.Coin() ? "J'habite au " : "Mon adresse a changé : ");
        b->Pii(PiiType::kAddress, Address());
        b->Text(rng_.Coin() ? " depuis le mois dernier." : ".");
        break;
      case 5: {
        static constexpr std::array<std::string_view, 4> kCues = {
            "Mon numéro allocataire CAF : ", "N° allocataire ",
            "mon numéro d'allocataire est le ", "Numéro CAF "};
        b->Text(rng_.Pick(kCues));
        std::string caf = rng_.Digits(7);
        b->Pii(PiiType::kCafNumber, caf);
        b->Text(".");
        break;
      }
      case 6: {
        static constexpr std::array<std::string_view, 5> kCues = {
            "Je suis né le ", "Je suis née le ", "Date de naissance : ", "né(e) le ",
            "Ma fille est née le "};
        b->Text(rng_.Pick(kCues));
        b->Pii(PiiType::kBirthDate, BirthDate());
        b->Text(".");
        break;
      }
      case 7:
        b->Text(rng_.Coin() ? "Mon numéro fiscal est " : "Identifiant fiscal (SPI) : ");
        b->Pii(PiiType::kTaxNumber, TaxNumber());
        b->Text(".");
        break;
      case 8:
        b->Text("Mon ancien employeur (SIRET ");
        b->Pii(PiiType::kSiret, Siret());
        b->Text(") ne m'a pas remis d'attestation.");
        break;
      case 9:
        b->Text("L'entreprise, SIREN ");
        b->Pii(PiiType::kSiren, FormatSiren(Siren()));
        b->Text(", a fermé.");
        break;
      case 10:
        b->Text("Mon véhicule immatriculé ");
        b->Pii(PiiType::kPlate, Plate());
        b->Text(" a été verbalisé à tort.");
        break;
      case 11: {
        std::string other(rng_.Pick(kSurnames));
        b->Text(rng_.Coin() ? "J'ai eu au téléphone Mme " : "J'ai rencontré M. ");
        b->Pii(PiiType::kName, other);
        b->Text(" de votre service.");
        break;
      }
      case 12:
        b->Text(female ? "Mon mari " : "Ma femme ");
        b->Pii(PiiType::kName, std::string(rng_.Pick(kFirstNames)) + " " + last);
        b->Text(" est en arrêt maladie.");
        break;
      case 13:
        b->Text("Je vous écris de la part de Madame ");
        b->Pii(PiiType::kName, std::string(rng_.Pick(kFirstNames)) + " " +
                                   std::string(rng_.Pick(kSurnames)));
        b->Text(", ma voisine.");
        break;
      case 14:
        // Invalid identifiers: must not get the specific type (they become [NUMERO_n]).
        b->Text(rng_.Coin() ? "Un ancien RIB erroné : " + Iban(false) + "."
                            : "Sur un vieux papier : " + Nir(false) + ".");
        break;
      case 15:
        b->Text("Le dossier de Mme ");
        b->Pii(PiiType::kName, last);
        b->Text(" a été transmis en mars.");
        break;
      case 16:
        b->Text("Mon contact est ");
        b->Pii(PiiType::kEmail, Email(rng_.Pick(kFirstNames), rng_.Pick(kSurnames)));
        b->Text(rng_.Coin() ? "." : " (écrire plutôt le soir).");
        break;
      case 17:
        b->Text("Portable : ");
        b->Pii(PiiType::kPhone, Phone());
        break;
      case 18:
        b->Text(rng_.Coin() ? "Je soussignée " : "Je soussigné ");
        b->Pii(PiiType::kName, first + " " + last);
        b->Text(", certifie sur l'honneur l'exactitude de ces informations.");
        break;
      default:
        b->Text(rng_.Pick(kDistractors));
        break;
    }
  }

  Rng rng_;
};

}  // namespace

std::vector<LabelledMessage> GenerateSyntheticSet(uint32_t seed, int count) {
  Generator gen(seed);
  std::vector<LabelledMessage> out;
  out.reserve(static_cast<size_t>(std::max(count, 0)));
  for (int i = 0; i < count; ++i) out.push_back(gen.Message());
  return out;
}

}  // namespace plume::privacy
