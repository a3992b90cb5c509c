#include "app/cli.h"

#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <toml++/toml.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <iostream>
#include <memory>
#include <sstream>
#include <string_view>
#include <type_traits>

#include "api/api.h"
#include "api/auth.h"
#include "api/json/region_json.h"
#include "app/demo_accounts.h"
#include "app/demo_feed.h"
#include "app/forecast_cli.h"
#include "app/patient_key.h"
#include "app/simulate_cli.h"
#include "app/spread_cli.h"
#include "core/validate.h"
#include "http/server.h"
#include "service/account_service.h"
#include "service/patient_seal.h"
#include "service/region_service.h"
#include "store/sqlite/backup.h"
#include "store/store.h"

namespace ozcc::app {

namespace {

struct ServeConfig {
  std::string db = "var/openzcc.db";
  std::string listen = "127.0.0.1:8080";
  std::string web;
  std::string config_file;
  bool demo = false;
  int io_threads = 2;
  int workers = 64;
  std::size_t body_limit = 1 << 20;
  bool secure_cookie = false;
  int session_hours = 12;
  bool access_log = true;
  std::vector<std::string> trusted_proxies;  // addresses / networks whose X-Forwarded-For is believed
  std::string public_base_url;               // how clients reach the server ("https://zcc.example.nl"); "": per request
  int streams_per_user = 8;                  // live event streams per user or feed token
  int streams_per_address = 32;              // live event streams per client address
  int stream_reserve = 64;                   // connections event streams may never take
  std::string patient_key_file;              // the patient key (service/patient_seal.h); "": no patient data
};

// The effective settings as TOML (`serve --check-config`): every config key, in the table's order.
std::string DescribeConfig(const ServeConfig& cfg) {
  auto quoted = [](const std::string& v) {
    std::string out = "\"";
    for (char c : v) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  };
  std::ostringstream out;
  out << "db = " << quoted(cfg.db) << "\n"
      << "listen = " << quoted(cfg.listen) << "\n"
      << "web = " << quoted(cfg.web) << "\n"
      << "io_threads = " << cfg.io_threads << "\n"
      << "workers = " << cfg.workers << "\n"
      << "body_limit = " << cfg.body_limit << "\n"
      << "secure_cookie = " << (cfg.secure_cookie ? "true" : "false") << "\n"
      << "session_hours = " << cfg.session_hours << "\n"
      << "access_log = " << (cfg.access_log ? "true" : "false") << "\n"
      << "trusted_proxies = [";
  for (size_t i = 0; i < cfg.trusted_proxies.size(); ++i) out << (i ? ", " : "") << quoted(cfg.trusted_proxies[i]);
  out << "]\n"
      << "public_base_url = " << quoted(cfg.public_base_url) << "\n"
      << "streams_per_user = " << cfg.streams_per_user << "\n"
      << "streams_per_address = " << cfg.streams_per_address << "\n"
      << "stream_reserve = " << cfg.stream_reserve << "\n"
      << "patient_key_file = " << quoted(cfg.patient_key_file) << "\n";
  return out.str();
}

std::string EnvOr(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : std::move(fallback);
}

int Fail(const std::string& what) {
  std::cerr << "openzcc: " << what << "\n";
  return 1;
}

int FailStatus(const std::string& what, const Status& st) {
  std::cerr << "openzcc: " << what << ": " << st.message() << "\n";
  for (const auto& e : st.errors()) std::cerr << "  " << e.field << ": " << e.message << "\n";
  return 1;
}

// Descriptors kept free for everything but client connections: the store's
// files or PostgreSQL sockets, logs, the listener, the accept of a connection
// that is then refused with 503.
constexpr std::int64_t kReservedFds = 64;

// Every connection is a file descriptor, and the soft limit is often 1024
// while the hard limit allows far more: raise the soft limit to the hard one.
// Returns the soft limit now in force (0 if unknown).
std::int64_t RaiseFileLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) != 0) return 0;
  if (rl.rlim_cur != rl.rlim_max) {
    rlimit want = rl;
    want.rlim_cur = rl.rlim_max;
    if (setrlimit(RLIMIT_NOFILE, &want) == 0) rl = want;
  }
  return rl.rlim_cur == RLIM_INFINITY ? std::int64_t{1} << 30 : static_cast<std::int64_t>(rl.rlim_cur);
}

// Caps max_connections below the descriptor limit: a connection over the cap
// gets a 503 at once, whereas a failing accept() (EMFILE) leaves clients
// hanging in the backlog and starves the store of descriptors.
void FitConnectionsToFileLimit(http::ServerOptions& so) {
  const std::int64_t nofile = RaiseFileLimit();
  if (nofile <= 0) return;
  const auto fit = static_cast<std::size_t>(std::max<std::int64_t>(16, nofile - kReservedFds));
  if (so.max_connections > fit) {
    spdlog::warn("file descriptor limit {}: serving at most {} connections (raise ulimit -n for more)", nofile, fit);
    so.max_connections = fit;
  }
}

Result<std::unique_ptr<Store>> Open(const std::string& db) {
  auto store = OpenStore(db);
  if (!store.ok()) return store.status();
  if (auto st = (*store)->Migrate(); !st.ok()) return st;
  return store;
}

// The operator running the command, as a service caller.
service::Caller Tool() { return service::ToolCaller(EnvOr("USER", "cli")); }

bool ParseListen(const std::string& listen, std::string& host, std::uint16_t& port) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos) return false;
  host = listen.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  try {
    int p = std::stoi(listen.substr(colon + 1));
    if (p < 0 || p > 65535) return false;
    port = static_cast<std::uint16_t>(p);
  } catch (const std::exception&) {
    return false;
  }
  return !host.empty();
}

// Reads a TOML config into cfg; flags given on the command line (cmd, may be
// null) win. Unknown keys and values of the wrong type or out of range are
// errors naming the key: a misspelt `secure_cookie` must not silently leave
// the session cookie without Secure.
Status LoadConfig(const std::string& path, ServeConfig& cfg, const CLI::App* cmd) {
  toml::table t;
  try {
    t = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << path << ":" << e.source().begin.line << ": " << e.description();
    return Status::Invalid(msg.str());
  }
  static constexpr const char* kKeys[] = {"db",
                                          "listen",
                                          "web",
                                          "io_threads",
                                          "workers",
                                          "body_limit",
                                          "secure_cookie",
                                          "session_hours",
                                          "access_log",
                                          "trusted_proxies",
                                          "public_base_url",
                                          "streams_per_user",
                                          "streams_per_address",
                                          "stream_reserve",
                                          "patient_key_file"};
  std::vector<FieldError> errs;
  for (const auto& [key, node] : t) {
    if (std::find(std::begin(kKeys), std::end(kKeys), key.str()) == std::end(kKeys)) {
      std::string known;
      for (const char* k : kKeys) known += (known.empty() ? "" : ", ") + std::string(k);
      errs.push_back({std::string(key.str()), "unknown key (known: " + known + ")"});
    }
  }
  // Whether the flag was given on the command line (it then wins over the file).
  auto given = [&](const char* flag) {
    if (cmd == nullptr) return false;
    const CLI::Option* opt = cmd->get_option_no_throw(flag);
    return opt != nullptr && opt->count() > 0;
  };
  auto text = [&](const char* key, const char* flag, std::string& out) {
    if (!t.contains(key)) return;
    if (auto v = t[key].value_exact<std::string>()) {
      if (!given(flag)) out = *v;
    } else {
      errs.push_back({key, "must be a string"});
    }
  };
  auto number = [&](const char* key, const char* flag, std::int64_t lo, std::int64_t hi, auto& out) {
    if (!t.contains(key)) return;
    auto v = t[key].value_exact<std::int64_t>();
    if (!v || *v < lo || *v > hi) {
      errs.push_back({key, "must be an integer from " + std::to_string(lo) + " to " + std::to_string(hi)});
    } else if (!given(flag)) {
      out = static_cast<std::remove_reference_t<decltype(out)>>(*v);
    }
  };
  auto boolean = [&](const char* key, const char* flag, bool& out) {
    if (!t.contains(key)) return;
    if (auto v = t[key].value_exact<bool>()) {
      if (!given(flag)) out = *v;
    } else {
      errs.push_back({key, "must be true or false"});
    }
  };
  text("db", "--db", cfg.db);
  text("listen", "--listen", cfg.listen);
  text("web", "--web", cfg.web);
  text("public_base_url", "--public-base-url", cfg.public_base_url);
  text("patient_key_file", "--patient-key", cfg.patient_key_file);
  if (!cfg.public_base_url.empty()) {
    if (auto st = http::NormalisePublicBase(cfg.public_base_url); !st.ok()) {
      errs.push_back({"public_base_url", st.status().message()});
    }
  }
  number("io_threads", "--io-threads", 1, 64, cfg.io_threads);
  number("workers", "--workers", 1, 1024, cfg.workers);
  number("body_limit", "--body-limit", 1, std::int64_t{1} << 30, cfg.body_limit);
  boolean("secure_cookie", "--secure-cookie", cfg.secure_cookie);
  number("session_hours", "--session-hours", 1, std::int64_t{24} * 366, cfg.session_hours);
  boolean("access_log", "--no-access-log", cfg.access_log);
  number("streams_per_user", "--streams-per-user", 1, 10000, cfg.streams_per_user);
  number("streams_per_address", "--streams-per-address", 1, 100000, cfg.streams_per_address);
  number("stream_reserve", "--stream-reserve", 0, 100000, cfg.stream_reserve);
  if (t.contains("trusted_proxies")) {
    std::vector<std::string> list;
    const toml::array* arr = t["trusted_proxies"].as_array();
    for (size_t i = 0; arr != nullptr && i < arr->size(); ++i) {
      if (auto v = (*arr)[i].value_exact<std::string>()) list.push_back(*v);
    }
    if (arr == nullptr || list.size() != arr->size()) {
      errs.push_back({"trusted_proxies", "must be a list of strings (addresses or networks)"});
    } else if (auto parsed = http::TrustedProxies::Parse(list); !parsed.ok()) {
      errs.push_back({"trusted_proxies", parsed.status().message()});
    } else if (!given("--trusted-proxy")) {
      cfg.trusted_proxies = std::move(list);
    }
  }
  std::string host;
  std::uint16_t port = 0;
  if (!ParseListen(cfg.listen, host, port)) errs.push_back({"listen", "must be HOST:PORT, got " + cfg.listen});
  if (!errs.empty()) return Status::Invalid(path + " has invalid settings", std::move(errs));
  return Status::Ok();
}

// The seal of the configured patient key; null (and one warning) when none is
// configured. A key file that cannot be used is an error: serving without the
// key the operator meant to give would hide the patient data.
Result<std::shared_ptr<const service::PatientSeal>> LoadPatientSeal(const std::string& path) {
  if (path.empty()) {
    spdlog::warn("no patient key: patient data is off");
    return std::shared_ptr<const service::PatientSeal>();
  }
  auto key = ReadPatientKeyFile(path);
  if (!key.ok()) return key.status();
  auto seal = std::make_shared<const service::PatientSeal>(*key);
  spdlog::info("patient key {} loaded (key id {})", path, seal->key_id());
  return seal;
}

int Serve(ServeConfig cfg) {
  http::ServerOptions so;
  if (!ParseListen(cfg.listen, so.host, so.port)) return Fail("--listen must be HOST:PORT, got " + cfg.listen);
  // Seals and opens patient data (null: the server serves everything but patient data).
  auto patient_seal = LoadPatientSeal(cfg.patient_key_file);
  if (!patient_seal.ok()) return FailStatus("patient key", patient_seal.status());
  so.io_threads = std::max(1, cfg.io_threads);
  so.worker_threads = std::max(1, cfg.workers);
  so.body_limit = cfg.body_limit;
  so.access_log = cfg.access_log;
  auto trusted = http::TrustedProxies::Parse(cfg.trusted_proxies);
  if (!trusted.ok()) return FailStatus("--trusted-proxy", trusted.status());
  so.trusted_proxies = std::move(trusted).value();
  FitConnectionsToFileLimit(so);
  std::string public_base;
  if (!cfg.public_base_url.empty()) {
    auto normal = http::NormalisePublicBase(cfg.public_base_url);
    if (!normal.ok()) return FailStatus("--public-base-url", normal.status());
    public_base = *normal;
  }

  auto store = Open(cfg.db);
  if (!store.ok()) return FailStatus("cannot open the store " + cfg.db, store.status());

  api::ApiOptions ao;
  ao.web_root = cfg.web;
  ao.secure_cookie = cfg.secure_cookie;
  ao.public_base_url = public_base;
  ao.patient_seal = *patient_seal;
  ao.session_ttl = std::chrono::hours(cfg.session_hours);
  ao.streams_per_principal = static_cast<std::size_t>(cfg.streams_per_user);
  ao.streams_per_address = static_cast<std::size_t>(cfg.streams_per_address);
  // Streams hold their connection for hours: keep stream_reserve connections
  // for health checks, sign-in and API calls.
  const auto reserve = static_cast<std::size_t>(cfg.stream_reserve);
  ao.max_streams = so.max_connections > reserve ? so.max_connections - reserve : 1;
  api::Api api(**store, ao);
  // The shipped care pathways: a broken file fails the start, naming it; ids
  // the store holds already (edited or not) are left as they are.
  auto seeded = api.SeedPathways();
  if (!seeded.ok()) return FailStatus("the shipped care pathways (data/pathways)", seeded.status());
  if (*seeded > 0) spdlog::info("{} shipped care pathway(s) stored as version 1", *seeded);
  http::Router router;
  api.Register(router);
  so.restyle_error = api.TransportErrorStyle();
  http::Server server(so, router);
  api.SetTransportMetrics([&server] { return server.MetricsText(); });

  // Signals are taken synchronously by this thread; all others block them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  if (auto st = server.Start(); !st.ok()) return FailStatus("cannot listen on " + cfg.listen, st);
  std::unique_ptr<DemoFeed> demo;
  std::string demo_accounts;
  if (cfg.demo) {
    auto dir = std::filesystem::path(cfg.db).parent_path();
    auto accounts = EnsureDemoAccounts(**store, dir.empty() ? std::filesystem::path(".") : dir);
    if (!accounts.ok()) return FailStatus("demo accounts", accounts.status());
    demo_accounts = *accounts;
    demo = std::make_unique<DemoFeed>(**store, api, DemoFeedOptions{});
    if (auto st = demo->Start(); !st.ok()) return FailStatus("demo feed", st);
  }
  std::string url = "http://" + (so.host.find(':') != std::string::npos ? "[" + so.host + "]" : so.host) + ":" +
                    std::to_string(server.port());
  spdlog::info("openzcc serving on {} (store {}, {} workers){}", url, cfg.db, so.worker_threads,
               cfg.web.empty() ? ", no web UI" : ", UI from " + cfg.web);
  std::cout << "OpenZCC is up: " << url << "/  (health: " << url << "/healthz)\n" << demo_accounts << std::flush;

  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("signal {}: draining", sig);
  if (demo) demo->Stop();
  api.Shutdown();
  server.Stop(10);
  spdlog::info("stopped");
  return 0;
}

bool StartsWith(const std::string& s, std::string_view prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

// `openzcc backup`: SQLite only; a PostgreSQL store is backed up with pg_dump.
int Backup(const std::string& db, const std::string& to) {
  if (StartsWith(db, "postgresql://") || StartsWith(db, "postgres://")) {
    return Fail(
        "backup copies SQLite stores only; back up PostgreSQL with pg_dump -Fc (or base backups and WAL "
        "archiving), see docs/operations.md, section Backups");
  }
  std::string path = db;
  if (StartsWith(path, "sqlite://")) {
    path = path.substr(9);
  } else if (StartsWith(path, "sqlite:")) {
    path = path.substr(7);
  }
  const auto start = std::chrono::steady_clock::now();
  auto r = sqlite::BackupDatabase(path, to);
  if (!r.ok()) return FailStatus("backup of " + path, r.status());
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::ostringstream line;
  line << "backup of " << path << " written to " << to << ": " << r->pages << " pages, " << r->bytes << " bytes in "
       << std::fixed << std::setprecision(2) << secs << " s, "
       << (r->snapshot ? "one consistent snapshot" : std::to_string(r->restarts) + " restarts")
       << ", integrity_check ok, fsync'd\n";
  std::cout << line.str();
  return 0;
}

std::string ReadAll(std::istream& in) {
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

Status CheckServeConfig(const std::string& path) {
  ServeConfig cfg;
  return LoadConfig(path, cfg, nullptr);
}

bool WriteCommandOutput(const std::string& command, const std::string& path, const std::string& text) {
  if (path.empty()) {
    std::cout << text << std::flush;
    return static_cast<bool>(std::cout);
  }
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f << text;
  f.close();
  if (f) return true;
  std::cerr << "openzcc " << command << ": cannot write " << path << "\n";
  return false;
}

Result<std::string> DescribeServeConfig(const std::string& path) {
  ServeConfig cfg;
  OZCC_RETURN_IF_ERROR(LoadConfig(path, cfg, nullptr));
  return DescribeConfig(cfg);
}

int RunCli(int argc, char** argv) {
  CLI::App app{"OpenZCC: the regional acute-care coordination platform"};
  app.require_subcommand(1);
  std::string db = EnvOr("OPENZCC_DB", "var/openzcc.db");

  ServeConfig cfg;
  cfg.db = db;
  cfg.listen = EnvOr("OPENZCC_LISTEN", cfg.listen);
  cfg.patient_key_file = EnvOr("OPENZCC_PATIENT_KEY", "");
  auto* serve = app.add_subcommand("serve", "Serve the API, live events and the web UI");
  serve->add_option("--db", cfg.db, "SQLite file path, :memory:, or postgresql://… (env OPENZCC_DB)");
  serve->add_option("--listen", cfg.listen, "HOST:PORT (env OPENZCC_LISTEN)");
  serve->add_option("--web", cfg.web, "Directory of the built web UI (web/dist)");
  serve->add_option("--config", cfg.config_file, "TOML config file (keys as the long flags)");
  serve->add_option("--io-threads", cfg.io_threads, "I/O threads")->check(CLI::Range(1, 64));
  serve->add_option("--workers", cfg.workers, "Worker threads for handlers")->check(CLI::Range(1, 1024));
  serve->add_option("--body-limit", cfg.body_limit, "Largest request body in bytes");
  serve->add_flag("--demo", cfg.demo, "Simulate live feeds for every region");
  serve->add_flag("!--no-access-log", cfg.access_log, "Do not log each request");
  serve->add_flag("--secure-cookie", cfg.secure_cookie, "Add Secure to the session cookie (served over HTTPS)");
  serve->add_option("--session-hours", cfg.session_hours, "Lifetime of a sign-in session in hours")
      ->check(CLI::Range(1, 24 * 366));
  serve->add_option("--streams-per-user", cfg.streams_per_user, "Live event streams per user or feed token")
      ->check(CLI::Range(1, 10000));
  serve->add_option("--streams-per-address", cfg.streams_per_address, "Live event streams per client address")
      ->check(CLI::Range(1, 100000));
  serve
      ->add_option("--stream-reserve", cfg.stream_reserve,
                   "Connections kept free of live event streams (health checks, sign-in, API calls)")
      ->check(CLI::Range(0, 100000));
  bool check_config = false;
  serve->add_flag("--check-config", check_config, "Print the effective settings (flags, config file) and exit");
  serve->add_option("--trusted-proxy", cfg.trusted_proxies,
                    "Address or network (CIDR) of a reverse proxy whose X-Forwarded-For is believed; repeatable");
  serve->add_option("--public-base-url", cfg.public_base_url,
                    "The URL clients reach the server at (https://zcc.example.nl), for the URLs it writes; default: "
                    "from each request (Host, or X-Forwarded-Proto/-Host of a trusted proxy)");
  serve->add_option("--patient-key", cfg.patient_key_file,
                    "File of the key that seals patient data, mode 0600 (env OPENZCC_PATIENT_KEY); without it "
                    "everything but patient data is served");

  auto* patient_key = app.add_subcommand("patient-key", "The key that seals patient data");
  patient_key->require_subcommand(1);
  std::string key_file;
  auto* generate = patient_key->add_subcommand(
      "generate", "Write a new random patient key to FILE (mode 0600; an existing file is never overwritten)");
  generate->add_option("file", key_file, "Key file to create")->required();

  auto* migrate = app.add_subcommand("migrate", "Apply pending store migrations");
  migrate->add_option("--db", db, "Store (env OPENZCC_DB)");

  auto* region = app.add_subcommand("region", "Region files");
  region->require_subcommand(1);
  std::string region_file;
  auto* import = region->add_subcommand("import", "Validate a region file and load it into the store");
  import->add_option("file", region_file, "Region JSON file")->required()->check(CLI::ExistingFile);
  import->add_option("--db", db, "Store (env OPENZCC_DB)");
  bool check_only = false;
  import->add_flag("--check", check_only, "Only validate the file");

  auto* user = app.add_subcommand("user", "Users");
  user->require_subcommand(1);
  UserRecord u;
  std::string role_name;
  bool password_stdin = false;
  auto* add = user->add_subcommand("add", "Add a user");
  add->add_option("--username", u.username, "User name")->required();
  add->add_option("--role", role_name,
                  "admin, roaz-coordinator, zcc-coordinator, org-capacity-manager, org-user, viewer, privacy-officer")
      ->required();
  add->add_option("--org", u.organization_id, "Organisation id (organisation roles)");
  add->add_option("--region", u.region_id, "Region id (region roles; derived from --org otherwise)");
  add->add_flag("--password-stdin", password_stdin, "Read the password from standard input")->required();
  add->add_option("--db", db, "Store (env OPENZCC_DB)");

  std::string disable_name;
  auto* disable = user->add_subcommand("disable", "Disable a user and end all of their sessions at once");
  disable->add_option("--username", disable_name, "User name")->required();
  disable->add_option("--db", db, "Store (env OPENZCC_DB)");

  auto* token = app.add_subcommand("token", "Feed tokens");
  token->require_subcommand(1);
  FeedTokenRecord tok;
  auto* create = token->add_subcommand("create", "Create a feed token for one organisation (printed once)");
  create->add_option("--org", tok.organization_id, "Organisation id")->required();
  create->add_option("--name", tok.name, "A name that says which feed uses it")->required();
  create->add_option("--db", db, "Store (env OPENZCC_DB)");
  std::string list_org;
  auto* list =
      token->add_subcommand("list", "List feed tokens (name, organisation, created, revoked; never the token)");
  list->add_option("--org", list_org, "Only this organisation");
  list->add_option("--db", db, "Store (env OPENZCC_DB)");
  FeedTokenRecord revoke_tok;
  auto* revoke = token->add_subcommand(
      "revoke", "Revoke an organisation's feed tokens of one name at once (a lost or leaked token, a retired feed)");
  revoke->add_option("--org", revoke_tok.organization_id, "Organisation id")->required();
  revoke->add_option("--name", revoke_tok.name, "The token's name, as given to token create")->required();
  revoke->add_option("--db", db, "Store (env OPENZCC_DB)");

  auto* backup = app.add_subcommand(
      "backup", "Copy a SQLite store while it serves: one consistent state, verified, fsync'd (PostgreSQL: pg_dump)");
  std::string backup_to;
  backup->add_option("--db", db, "SQLite store file (env OPENZCC_DB)");
  backup->add_option("--to", backup_to, "Backup file; written as FILE.partial, checked, then renamed")->required();

  AddForecastCommands(app);
  AddSimulateCommand(app);
  AddSpreadCommand(app);

  CLI11_PARSE(app, argc, argv);

  if (backup->parsed()) return Backup(db, backup_to);

  if (generate->parsed()) {
    auto key_id = CreatePatientKeyFile(key_file);
    if (!key_id.ok()) return FailStatus("patient-key generate", key_id.status());
    std::cout << "patient key " << *key_id << " written to " << key_file
              << " (mode 0600). Back it up apart from the store: without it the patient data cannot be read.\n";
    return 0;
  }

  if (serve->parsed()) {
    if (!cfg.config_file.empty()) {
      // A usage error, like a bad flag: exit 2.
      if (auto st = LoadConfig(cfg.config_file, cfg, serve); !st.ok()) return FailStatus("config", st) + 1;
    }
    if (check_config) {
      std::cout << DescribeConfig(cfg) << std::flush;
      return 0;
    }
    return Serve(cfg);
  }

  if (migrate->parsed()) {
    auto store = Open(db);
    if (!store.ok()) return FailStatus("migrate " + db, store.status());
    std::cout << "migrations applied to " << db << "\n";
    return 0;
  }

  if (import->parsed()) {
    std::ifstream in(region_file, std::ios::binary);
    if (!in) return Fail("cannot read " + region_file);
    auto data = api::ParseRegionJson(ReadAll(in));
    if (!data.ok()) return FailStatus(region_file + " is not a valid region file", data.status());
    if (check_only) {
      std::cout << region_file << ": valid (" << data->organizations.size() << " organisations, "
                << data->locations.size() << " locations, " << data->units.size() << " units)\n";
      return 0;
    }
    auto store = Open(db);
    if (!store.ok()) return FailStatus("cannot open the store " + db, store.status());
    service::RegionService regions(**store, **store, **store);
    if (auto st = regions.Import(Tool(), *data); !st.ok()) {
      return FailStatus("import of " + region_file, st);
    }
    std::cout << "imported region " << data->region.id << " (" << data->organizations.size() << " organisations, "
              << data->units.size() << " units) into " << db << "\n";
    return 0;
  }

  if (add->parsed()) {
    auto role = ParseRole(role_name);
    if (!role) return Fail("unknown role " + role_name);
    std::string password;
    std::getline(std::cin, password);
    auto store = Open(db);
    if (!store.ok()) return FailStatus("cannot open the store " + db, store.status());
    service::AccountService accounts(**store, **store, **store);
    Status st = accounts.AddUser(Tool(), {u.username, *role, u.organization_id, u.region_id}, password);
    if (!st.ok()) return FailStatus("user add", st);
    std::cout << "user " << u.username << " (" << role_name << ") added\n";
    return 0;
  }

  if (disable->parsed()) {
    auto store = Open(db);
    if (!store.ok()) return FailStatus("cannot open the store " + db, store.status());
    service::AccountService accounts(**store, **store, **store);
    if (auto st = accounts.DisableUser(Tool(), disable_name); !st.ok()) return FailStatus("user disable", st);
    std::cout << "user " << disable_name << " disabled; their sessions are ended\n";
    return 0;
  }

  if (create->parsed()) {
    auto store = Open(db);
    if (!store.ok()) return FailStatus("cannot open the store " + db, store.status());
    service::AccountService accounts(**store, **store, **store);
    auto secret = accounts.CreateFeedToken(Tool(), tok.organization_id, tok.name);
    if (!secret.ok()) return FailStatus("token create", secret.status());
    std::cout << *secret << "\n";
    return 0;
  }

  if (list->parsed()) {
    auto store = Open(db);
    if (!store.ok()) return FailStatus("cannot open the store " + db, store.status());
    service::AccountService accounts(**store, **store, **store);
    auto tokens = accounts.ListFeedTokens(Tool(), list_org);
    if (!tokens.ok()) return FailStatus("token list", tokens.status());
    std::cout << "organisation\tname\tcreated\tstatus\n";
    for (const auto& t : *tokens) {
      std::cout << t.organization_id << "\t" << t.name << "\t" << FormatRfc3339(t.created_at) << "\t"
                << (t.revoked ? "revoked" : "active") << "\n";
    }
    return 0;
  }

  if (revoke->parsed()) {
    auto store = Open(db);
    if (!store.ok()) return FailStatus("cannot open the store " + db, store.status());
    service::AccountService accounts(**store, **store, **store);
    auto n = accounts.RevokeFeedTokens(Tool(), revoke_tok.organization_id, revoke_tok.name);
    if (!n.ok()) return FailStatus("token revoke", n.status());
    std::cout << *n << " feed token(s) " << revoke_tok.name << " of " << revoke_tok.organization_id
              << " revoked; every instance refuses them within 30 s (at once on PostgreSQL)\n";
    return 0;
  }
  return 0;
}

}  // namespace ozcc::app
