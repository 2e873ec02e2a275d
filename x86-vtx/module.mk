# x86-vtx/: the KVM backend (boot Linux, exits, explorer, page walker).
TV_SRCS += $(wildcard x86-vtx/*.c)
