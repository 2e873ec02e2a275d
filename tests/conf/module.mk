# tests/conf: the conformance programs (tests/conf/prog/*.S, one per
# instruction group and privileged behaviour, written from the RISC-V
# specs), each linked once per environment variant with crt.S and report.c,
# and the Criterion table that runs every program x variant in every mode.
CONF_B        := $(B)/tests/conf
CONF_PROGS    := $(basename $(notdir $(wildcard tests/conf/prog/*.S)))
CONF_VARIANTS := s u s_vm u_4k u_mega pv
CONF_ENV_s := 0
CONF_ENV_u := 1
CONF_ENV_s_vm := 2
CONF_ENV_u_4k := 3
CONF_ENV_u_mega := 4
CONF_ENV_pv := 5
# tests/conf/priv: programs that build their own page tables and switch
# privilege themselves; they start in variant s only.
CONF_PRIVS    := $(basename $(notdir $(wildcard tests/conf/priv/*.S)))
CONF_ELFS     := $(foreach p,$(CONF_PROGS),$(foreach v,$(CONF_VARIANTS),$(CONF_B)/$(p).$(v).elf)) \
		 $(foreach p,$(CONF_PRIVS),$(CONF_B)/$(p).s.elf)
CONF_RT       := tests/conf/crt.S tests/conf/report.c

# Programs whose U-mode behaviour differs on --isa=legacy by design (they
# touch sstatus from U): also built as PROG.VARIANT.legacy.elf with
# CONF_EXPECT_LEGACY=1, the expectation the legacy modes are held to.
CONF_LEGACY_PROGS := sstatus
CONF_U_VARIANTS   := u u_4k u_mega pv
CONF_ELFS += $(foreach p,$(CONF_LEGACY_PROGS),$(foreach v,$(CONF_U_VARIANTS),$(CONF_B)/$(p).$(v).legacy.elf))

# build/tests/conf/PROG.VARIANT$(4).elf, one rule per program and variant
# ($(3): the folder of the source; $(4), $(5): a name suffix and its
# extra flags).
define conf_elf
$(CONF_B)/$(1).$(2)$(4).elf: tests/conf/$(3)/$(1).S $(CONF_RT) tests/conf/conf.h tests/conf/link.ld
	@mkdir -p $$(dir $$@)
	@$$(if $(Q),echo "  RVCC    $$@")
	$(Q)$(RV_CC) $(RV_CFLAGS) -MF $$@.d -I. $(RV_LDFLAGS) -Wl,--no-warn-rwx-segments \
		-DCONF_ENV=$(CONF_ENV_$(2)) -DCONF_NAME='"$(1)"' $(5) \
		-T tests/conf/link.ld -o $$@ $(CONF_RT) $$<
endef
$(foreach p,$(CONF_PROGS),$(foreach v,$(CONF_VARIANTS),$(eval $(call conf_elf,$(p),$(v),prog))))
$(foreach p,$(CONF_PRIVS),$(eval $(call conf_elf,$(p),s,priv)))
$(foreach p,$(CONF_LEGACY_PROGS),$(foreach v,$(CONF_U_VARIANTS),\
	$(eval $(call conf_elf,$(p),$(v),prog,.legacy,-DCONF_EXPECT_LEGACY=1))))

$(B)/tests/conf/conf_test.o: CFLAGS += -DCONF_LEGACY_PROGS='"$(CONF_LEGACY_PROGS)"' \
	-DCONF_ELF_DIR='"$(CONF_B)"'
$(B)/tests/conf/conf_test.o: tests/conf/module.mk
$(eval $(call criterion_test,conf,tests/conf/conf_test.c tests/guest/runner.c,$(CONF_ELFS)))
