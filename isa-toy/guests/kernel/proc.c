/*
 * proc.c -- the process table and the scheduler.
 *
 * One hart, so "locking" is masking interrupts (intr.h): the process
 * table is touched by system calls and by interrupt handlers
 * (proc_wakeup), never by two processes at once, because the kernel
 * itself is not preemptive -- a process in the kernel gives up the CPU
 * only when it blocks (proc_sleep), yields, or exits.  Preemption happens
 * only on the way back to user mode: a timer tick ends the time slice
 * (proc_tick), and trap.c calls proc_preempt() just before returning to
 * the program.  That is also what keeps every `write` whole.
 *
 * Switching: each process has a kernel stack; the scheduler runs on the
 * boot stack.  swtch() saves the callee-saved registers of one and loads
 * those of the other, so proc_sched() "returns" in the scheduler and the
 * scheduler's swtch() "returns" in the chosen process.
 */
#include "kernel/intr.h"
#include "kernel/kernel.h"
#include "kernel/progs.h"
#include "kernel/sbi.h"
#include "kernel/timer.h"
#include "kernel/trap.h"
#include "kernel/umem.h"

static struct proc proc_table[NPROC];
static struct proc *proc_cur;	      /* running process, or NULL */
static struct context proc_sched_ctx; /* the scheduler, while a process runs */
static int proc_next_pid = 1;	      /* init gets 1 */
static bool proc_slice_over;	      /* a tick came since proc_cur started */

struct proc *proc_current(void)
{
	return proc_cur;
}

void proc_init(void)
{
	for (int i = 0; i < NPROC; i++)
		proc_table[i].kstack_top = VM_KSTACK(i) + VM_KSTACK_PAGES * PAGE_SIZE;
}

/* proc_first_run: where a new process's kernel thread starts (the `ra`
 * of its first context): go to user mode through the normal trap return,
 * with the trap frame spawn filled in. */
static void proc_first_run(void)
{
	trap_return_to_user(proc_cur);
}

/* proc_free: release a process's memory and slot.  Interrupts off. */
static void proc_free(struct proc *p)
{
	if (p->pagetable)
		vm_user_free(p->pagetable);
	p->pagetable = NULL;
	p->pid = 0;
	p->parent = NULL;
	p->state = PROC_UNUSED;
}

int proc_spawn(const char *name, int argc, char *const argv[], struct proc *parent)
{
	const struct prog *prog = progs_find(name);
	struct proc *p = NULL;
	uint32_t entry, sp, argv_va;

	if (!prog)
		return -1;
	uint32_t s = intr_save();
	for (int i = 0; i < NPROC && !p; i++)
		if (proc_table[i].state == PROC_UNUSED)
			p = &proc_table[i];
	if (!p)
		goto out_restore;
	/* Claim the slot before anything can block or fail. */
	p->state = PROC_SLEEPING;
	p->chan = p;
	p->pagetable = vm_user_create();
	if (!p->pagetable)
		goto out_free;
	if (umem_load_elf(p, prog->start, (uint32_t)(prog->end - prog->start), &entry) < 0)
		goto out_free;
	sp = umem_setup_stack(p, argc, argv, &argv_va);
	if (!sp)
		goto out_free;

	/* The first trap frame: "return" to user mode at the entry point,
	 * with main's arguments in a0/a1 and interrupts on (SPIE) once
	 * sret has run.  SPP = 0 means that sret goes to U-mode. */
	p->tf = (struct trapframe *)(p->kstack_top - sizeof(struct trapframe));
	memset(p->tf, 0, sizeof(*p->tf));
	p->tf->sepc = entry;
	p->tf->sstatus = SSTATUS_SPIE;
	p->tf->regs[TF_SP] = sp;
	p->tf->regs[TF_A0] = (uint32_t)argc;
	p->tf->regs[TF_A1] = argv_va;
	/* The first context: swtch() will "return" into proc_first_run,
	 * on the kernel stack just below the trap frame. */
	memset(&p->ctx, 0, sizeof(p->ctx));
	p->ctx.ra = (uint32_t)proc_first_run;
	p->ctx.sp = (uint32_t)p->tf;

	p->pid = proc_next_pid++;
	strlcpy(p->name, name, sizeof(p->name));
	p->parent = parent;
	p->has_msg = false;
	p->chan = NULL;
	p->state = PROC_RUNNABLE;
	intr_restore(s);
	return p->pid;

out_free:
	proc_free(p);
out_restore:
	intr_restore(s);
	return -1;
}

/* proc_idle: nothing to run.  Interrupts are off: had we turned them on
 * before checking for work, a wakeup could slip in between the check and
 * the wfi, and we would sleep with work to do.  wfi wakes up when an
 * interrupt is pending and enabled in sie, even with SIE off; then we
 * open the window for a moment so the handler runs. */
static void proc_idle(void)
{
	__asm__ volatile("wfi");
	intr_on();
	intr_off();
}

void proc_scheduler(void)
{
	int last = NPROC - 1;

	for (;;) {
		intr_off();
		struct proc *p = NULL;
		/* Round robin: the first runnable slot after the last one run. */
		for (int i = 1; i <= NPROC && !p; i++) {
			struct proc *q = &proc_table[(last + i) % NPROC];
			if (q->state == PROC_RUNNABLE) {
				p = q;
				last = (int)(q - proc_table);
			}
		}
		if (!p) {
			proc_idle();
			continue;
		}
		/* Run p: its address space first (the kernel half is the
		 * same in all, so this code keeps running), then its kernel
		 * thread, which continues where it called proc_sched() --
		 * or, the first time, in proc_first_run. */
		p->state = PROC_RUNNING;
		proc_cur = p;
		proc_slice_over = false; /* a fresh time slice */
		vm_switch(p->pagetable);
		swtch(&proc_sched_ctx, &p->ctx);
		/* Back here when p blocks, yields or exits. */
		proc_cur = NULL;
	}
}

/* proc_sched: switch from the current process to the scheduler.  The
 * caller has masked interrupts and changed proc_cur->state. */
static void proc_sched(void)
{
	swtch(&proc_cur->ctx, &proc_sched_ctx);
}

void proc_tick(void)
{
	proc_slice_over = true;
}

void proc_preempt(void)
{
	if (proc_slice_over && proc_cur)
		proc_yield();
}

void proc_yield(void)
{
	uint32_t s = intr_save();
	proc_cur->state = PROC_RUNNABLE;
	proc_sched();
	intr_restore(s);
}

/*
 * proc_sleep: the caller has masked interrupts and found its condition
 * false.  Because interrupts stay masked until we are off the CPU, a
 * wakeup from an interrupt handler cannot slip in between the check and
 * the state change (the lost-wakeup race); after the switch, whoever
 * runs next restores its own interrupt state.
 */
void proc_sleep(void *chan)
{
	proc_cur->chan = chan;
	proc_cur->state = PROC_SLEEPING;
	proc_sched();
	proc_cur->chan = NULL;
}

void proc_wakeup(void *chan)
{
	uint32_t s = intr_save();
	for (int i = 0; i < NPROC; i++)
		if (proc_table[i].state == PROC_SLEEPING && proc_table[i].chan == chan)
			proc_table[i].state = PROC_RUNNABLE;
	intr_restore(s);
}

void proc_sleep_ticks(uint32_t n)
{
	uint32_t s = intr_save();
	uint32_t until = timer_ticks() + n;
	while ((int32_t)(timer_ticks() - until) < 0)
		proc_sleep(timer_chan());
	intr_restore(s);
}

void proc_exit(int status)
{
	struct proc *p = proc_cur;

	intr_off(); /* for good: this thread never runs again */
	if (p->pid == 1) {
		/* init is done: so is the machine. */
		kprintf("kernel: init exited with status %d, powering off\n", status);
		sbi_shutdown(status);
	}
	/* Orphans go to init, which reaps whatever it is given. */
	for (int i = 0; i < NPROC; i++)
		if (proc_table[i].parent == p) {
			proc_table[i].parent = &proc_table[0];
			proc_wakeup(&proc_table[0]);
		}
	p->exit_status = status;
	p->state = PROC_ZOMBIE;
	if (p->parent)
		proc_wakeup(p->parent);
	/* The address space is freed by the parent's wait(): we are still
	 * running on it (satp) until the switch below. */
	proc_sched();
	panic("exit: zombie %d ran again", p->pid);
}

int proc_wait(int *status)
{
	struct proc *p = proc_cur;

	uint32_t s = intr_save();
	for (;;) {
		bool children = false;
		for (int i = 0; i < NPROC; i++) {
			struct proc *c = &proc_table[i];
			if (c->parent != p)
				continue;
			children = true;
			if (c->state == PROC_ZOMBIE) {
				int pid = c->pid;
				*status = c->exit_status;
				proc_free(c);
				intr_restore(s);
				return pid;
			}
		}
		if (!children) {
			intr_restore(s);
			return -1;
		}
		proc_sleep(p); /* a child's exit wakes us */
	}
}

/* proc_find: the live process with this pid, or NULL. */
static struct proc *proc_find(int pid)
{
	for (int i = 0; i < NPROC; i++)
		if (proc_table[i].pid == pid && proc_table[i].state != PROC_UNUSED &&
		    proc_table[i].state != PROC_ZOMBIE)
			return &proc_table[i];
	return NULL;
}

int proc_send(int pid, int msg)
{
	uint32_t s = intr_save();
	struct proc *to;
	/* Wait until the receiver's mailbox is empty (looking the receiver
	 * up again each time: it may exit while we wait). */
	while ((to = proc_find(pid)) && to->has_msg)
		proc_sleep(&to->has_msg);
	if (!to) {
		intr_restore(s);
		return -1;
	}
	to->msg = msg;
	to->has_msg = true;
	proc_wakeup(&to->msg);
	intr_restore(s);
	return 0;
}

int proc_recv(void)
{
	struct proc *p = proc_cur;

	uint32_t s = intr_save();
	while (!p->has_msg)
		proc_sleep(&p->msg);
	int msg = p->msg;
	p->has_msg = false;
	proc_wakeup(&p->has_msg); /* a sender may wait for the room */
	intr_restore(s);
	return msg;
}
