# Installs (when missing) and starts the system services the tests need, on loopback only.
# Sourced by .ci/run. Each service is added here as the tests start to need it.
ci_services_up() {
  if [ ! -x /usr/bin/chromium ]; then
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) || return 1
  fi
  return 0
}
ci_services_down() { :; }
