# Debian packages Seq2Seq needs, installed when missing (as root; otherwise the exact apt-get line is printed).
# Sourced by ./s2s and tools/test.sh. Usage: ensure_debian_packages runtime|test

# runtime: build-time TorchSharp patch (patchelf, gcc, binutils), non-WAV decoding (ffmpeg), microphone (libpulse0),
# SentencePiece tokenizer training (sentencepiece: spm_train).
S2S_RUNTIME_PACKAGES="patchelf gcc binutils ffmpeg libpulse0 sentencepiece"
# test: the browser the web page is tested in (chromium), audio the tests synthesise and check against (espeak-ng, sox and its mp3 writer), a virtual microphone (pulseaudio), kill (procps),
# the queue the workers share (redis-server, started by the tests on a free loopback port), and PyTorch for the parity
# test of the GPU trainer's mirror of the network (python3-torch, python3-torchaudio: tools/gpu/parity.py).
S2S_TEST_PACKAGES="$S2S_RUNTIME_PACKAGES chromium espeak-ng sox libsox-fmt-mp3 pulseaudio pulseaudio-utils procps redis-server python3-torch python3-torchaudio"

ensure_debian_packages() {
  local wanted missing=() p
  case "$1" in
    runtime) wanted=$S2S_RUNTIME_PACKAGES ;;
    test) wanted=$S2S_TEST_PACKAGES ;;
    *) echo "ensure_debian_packages: unknown set '$1'" >&2; return 2 ;;
  esac
  command -v dpkg-query >/dev/null || return 0   # not Debian: nothing we can check
  for p in $wanted; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ]; then
    echo "s2s setup: installing Debian packages: ${missing[*]}" >&2
    DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
  else
    echo "s2s setup: missing Debian packages; install them with:" >&2
    echo "  sudo apt-get install -y ${missing[*]}" >&2
    return 1
  fi
}

ensure_dotnet() {
  command -v dotnet >/dev/null && return 0
  echo "s2s setup: the .NET 10 SDK is needed (https://learn.microsoft.com/dotnet/core/install/linux-debian)" >&2
  return 1
}
