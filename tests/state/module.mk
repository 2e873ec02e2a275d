# tests/state: suspend and resume (core/state.c) -- a run split at many
# points joins into the run that never stopped, in every mode; bad
# snapshot files are refused with one line -- and live migration
# (core/migrate.c) over loopback.
$(eval $(call criterion_test,state,$(wildcard tests/state/*.c) tests/guest/runner.c,$(B)/guests/kernel.elf $(B)/guests/kernel-pv.elf))
