# Sourced by run.sh and test.sh: the tools the build uses. binaryen's wasm-opt comes from the end2end
# npm packages (see install.sh), ahead of any older one on the system.
export PATH="$PWD/end2end/node_modules/.bin:$HOME/.cargo/bin:$PATH"
