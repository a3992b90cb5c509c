// The patient key file (service/patient_seal.h) on disk: written by
// `openzcc patient-key generate FILE`, read by `serve --patient-key FILE`.
// Like an ssh private key, it must be readable by its owner only.
#pragma once

#include <string>

#include "base/status.h"
#include "service/patient_seal.h"

namespace ozcc::app {

// Writes a new random key to `path`: created exclusively (an existing file is
// never overwritten: kConflict), mode 0600 whatever the umask, fsync'd with
// its directory. Returns the key's id (public). A failed write leaves no file.
Result<std::string> CreatePatientKeyFile(const std::string& path);

// Reads the key of `path`. kInvalid, naming the file but never its content,
// when it cannot be read, is not a regular file, is accessible by group or
// others ("chmod 600 FILE"), or holds no key (ParsePatientKey).
Result<service::PatientKey> ReadPatientKeyFile(const std::string& path);

}  // namespace ozcc::app
