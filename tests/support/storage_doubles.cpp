#include "support/storage_doubles.h"

#include "util/strings.h"

namespace taupage {

std::vector<uint8_t>& FakeBlockDevices::add(const std::string& path, const std::string& name, uint32_t minor, size_t bytes) {
  Device d;
  d.info.path = "/dev/" + name;
  d.info.name = name;
  d.info.major = 253;
  d.info.minor = minor;
  d.info.bytes = bytes;
  d.bytes = std::make_shared<std::vector<uint8_t>>(bytes, 0);
  devices[path] = d;
  devices[d.info.path] = d;
  return *d.bytes;
}

Result<DeviceInfo> FakeBlockDevices::find(const std::string& path, double) {
  auto it = devices.find(path);
  if (it == devices.end()) return Error(path + " did not appear within 0 s");
  return it->second.info;
}

Result<std::unique_ptr<ByteSource>> FakeBlockDevices::open(const std::string& path) {
  auto it = devices.find(path);
  if (it == devices.end()) return Error("open " + path + ": No such file or directory");
  opened.push_back(path);
  return std::unique_ptr<ByteSource>(new MemoryByteSource(*it->second.bytes, path));
}

Status FakeBlockDevices::write_at(const std::string& path, uint64_t offset, const std::vector<uint8_t>& bytes) {
  auto it = devices.find(path);
  if (it == devices.end()) return Error("open " + path + ": No such file or directory");
  auto& target = *it->second.bytes;
  if (offset + bytes.size() > target.size()) return Error("write beyond the end");
  std::copy(bytes.begin(), bytes.end(), target.begin() + static_cast<long>(offset));
  writes.push_back(strfmt("%s@%llu", path.c_str(), (unsigned long long)offset));
  return Status::Ok();
}

Status FakeBlockDevices::write_zeros(const std::string& path, const std::vector<Extent>& extents) {
  for (const Extent& e : extents) {
    if (auto w = write_at(path, e.offset, std::vector<uint8_t>(static_cast<size_t>(e.length), 0)); !w) return w;
  }
  return Status::Ok();
}

Status FakeMd::start(const std::string& array, const std::vector<DeviceInfo>& members) {
  std::string text = "start " + array;
  for (const auto& m : members) text += " " + m.name;
  calls.push_back(text);
  if (fail_start) return Error(array + ": RUN_ARRAY: Invalid argument");
  if (devices == nullptr || members.empty()) return Status::Ok();
  const auto& first = *devices->devices.at(members.front().path).bytes;
  auto sb = MdSuperblock1::decode(std::vector<uint8_t>(first.begin() + 4096, first.begin() + 4096 + 1024));
  if (!sb) return Error(array + ": " + sb.error().message());
  auto from = first.begin() + static_cast<long>(sb->data_offset * 512);
  std::vector<uint8_t> view(from, from + static_cast<long>(sb->size * 512));
  at_start[array] = view;
  auto& device = devices->add("/dev/" + array, array, 200 + static_cast<uint32_t>(at_start.size()), view.size());
  device = view;
  return Status::Ok();
}

Status FakeMd::add_member(const std::string& array, const DeviceInfo& member) {
  calls.push_back("add " + array + " " + member.name);
  return Status::Ok();
}

Status FakeMd::stop(const std::string& array) {
  calls.push_back("stop " + array);
  return Status::Ok();
}

Status FakeMd::link(const std::string& name, const std::string& array) {
  calls.push_back("link " + name + " " + array);
  if (devices != nullptr && devices->devices.count("/dev/" + array) > 0) {
    devices->devices["/dev/md/" + name] = devices->devices["/dev/" + array];
  }
  return Status::Ok();
}

MdUuid FakeMd::new_uuid() {
  MdUuid u{};
  u.fill(++uuid_seed_);
  return u;
}

Result<ToolRun> FakeTools::run(const std::string& tool, const std::vector<std::string>& args) {
  calls.push_back(tool + " " + join(args, " "));
  ToolRun run;
  auto it = exit_codes.find(tool);
  run.exit_code = it == exit_codes.end() ? 0 : it->second;
  run.output = tool + " said something";
  return run;
}

Result<std::optional<MountEntry>> FakeMounter::mounted_at(const std::string& path) {
  auto it = mounts.find(path);
  if (it == mounts.end()) return std::optional<MountEntry>();
  return std::optional<MountEntry>(it->second);
}

Status FakeMounter::mount(const std::string& source, const std::string& target, const std::string& fstype, unsigned long flags,
                          const std::string& data) {
  calls.push_back(strfmt("mount %s %s %s flags=%lu data=%s", source.c_str(), target.c_str(), fstype.c_str(), flags, data.c_str()));
  MountEntry e;
  e.source = source;
  e.fstype = fstype;
  auto it = device_numbers.find(source);
  if (it != device_numbers.end()) {
    e.major = it->second.first;
    e.minor = it->second.second;
  }
  mounts[target] = e;
  return Status::Ok();
}

Status FakeMounter::make_dirs(const std::string& path) {
  calls.push_back("mkdir " + path);
  return Status::Ok();
}

Status FakeMounter::open_up(const std::string& path) {
  calls.push_back("open_up " + path);
  return Status::Ok();
}

}  // namespace taupage
