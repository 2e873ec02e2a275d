/*
 * proc.h -- processes: the process table, the trap frame a trap from user
 * mode leaves on the kernel stack, and the scheduler.
 */
#ifndef KERNEL_PROC_H
#define KERNEL_PROC_H

#include "kernel/vm.h"

#define NPROC	      16 /* process slots */
#define PROC_NAME_MAX 16

/*
 * The trap frame: all 31 registers (x1..x31; slot 0 unused, x0 is zero),
 * plus sepc and sstatus, saved by trapvec.S.  A trap from user mode puts
 * it at the very top of the process's kernel stack; a trap taken while in
 * the kernel pushes one more frame below the kernel's current sp.
 * The offsets are used by trapvec.S: keep them in step (TF_* there).
 */
struct trapframe {
	uint32_t regs[32]; /* regs[i] = xi; regs[2] = sp at the trap */
	uint32_t sepc;	   /* where to go back to (sret jumps there) */
	uint32_t sstatus;  /* SPP, SPIE at the trap */
	uint32_t pad[2];   /* keeps the frame a multiple of 16 bytes */
};
#define TF_RA 1
#define TF_SP 2
#define TF_A0 10
#define TF_A1 11
#define TF_A2 12
#define TF_A7 17

/* Registers that a function call preserves: what swtch() saves. */
struct context {
	uint32_t ra, sp;
	uint32_t s[12];
};

enum proc_state { PROC_UNUSED, PROC_RUNNABLE, PROC_RUNNING, PROC_SLEEPING, PROC_ZOMBIE };

struct proc {
	enum proc_state state;
	int pid;
	char name[PROC_NAME_MAX];
	struct proc *parent;
	pte_t *pagetable;     /* this process's address space */
	uint32_t heap_start;  /* first byte of the heap (end of program) */
	uint32_t brk;	      /* end of the heap: sbrk moves it */
	uint32_t kstack_top;  /* top of its kernel stack (VM_KSTACK) */
	struct trapframe *tf; /* saved user registers, at kstack_top */
	struct context ctx;   /* kernel registers while switched out */
	void *chan;	      /* what it sleeps on, when SLEEPING */
	uint32_t wake_tick;   /* for sleep(): tick to wake up at */
	int exit_status;      /* for the parent's wait(), when ZOMBIE */
	bool has_msg;	      /* the one-word mailbox of send/recv */
	int msg;
};

/* proc_current: the process this hart runs (NULL in the scheduler). */
struct proc *proc_current(void);
/* proc_init: set up the table; kernel stacks are VM_KSTACK(slot). */
void proc_init(void);
/* proc_spawn: a new process running embedded program `name` with
 * argv[0..argc); returns its pid or -1.  parent may be NULL (init). */
int proc_spawn(const char *name, int argc, char *const argv[], struct proc *parent);
/* proc_scheduler: run processes forever, round robin; wfi when idle. */
void proc_scheduler(void) __attribute__((noreturn));
/* proc_tick: a timer tick: the current time slice is over. */
void proc_tick(void);
/* proc_preempt: on the way back to user mode: yield if the slice is over. */
void proc_preempt(void);
/* proc_yield: give up the CPU; stay runnable. */
void proc_yield(void);
/* proc_sleep: block on `chan` until proc_wakeup(chan).  Call it with
 * interrupts off (intr_save), checking the condition in a loop. */
void proc_sleep(void *chan);
/* proc_wakeup: make every process sleeping on `chan` runnable. */
void proc_wakeup(void *chan);
/* proc_sleep_ticks: sleep for n timer ticks. */
void proc_sleep_ticks(uint32_t n);
/* proc_exit: end the current process with `status`; never returns. */
void proc_exit(int status) __attribute__((noreturn));
/* proc_wait: reap a finished child, storing its status; its pid, or -1
 * if the caller has no children. */
int proc_wait(int *status);
/* proc_send / proc_recv: the one-word mailbox (blocking both ways). */
int proc_send(int pid, int msg);
int proc_recv(void);

/* swtch.S: save callee-saved registers in *old, load them from *new. */
void swtch(struct context *old, struct context *new);

#endif
