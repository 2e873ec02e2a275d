# tests/monitor: the trap-and-emulate monitor -- resource control under
# hostile guests, several VMs, the trace.
$(eval $(call criterion_test,monitor,$(wildcard tests/monitor/*.c) tests/guest/runner.c,$(B)/tests/guest/spin.elf $(B)/tests/guest/trapstorm.elf $(B)/tests/guest/hello.elf $(B)/tests/guest/exit_code.elf $(B)/guests/kernel.elf))
