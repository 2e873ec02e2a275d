/*
 * trap.h -- traps: exceptions, interrupts and system calls all arrive at
 * trap_vector (trapvec.S), which saves the registers in a trap frame and
 * calls trap_handler().
 */
#ifndef KERNEL_TRAP_H
#define KERNEL_TRAP_H

#include "kernel/proc.h"

/* trap_init: point stvec at trap_vector; we are in the kernel (sscratch
 * = 0); enable the timer and external interrupts in sie. */
void trap_init(void);
/* trap_handler: called by trapvec.S with the saved registers. */
void trap_handler(struct trapframe *tf);
/* trap_return_to_user: leave the kernel for p's user mode, restoring
 * p->tf; never returns. */
void trap_return_to_user(struct proc *p) __attribute__((noreturn));
/* trap_return (trapvec.S): restore the frame at tf and sret. */
void trap_return(struct trapframe *tf) __attribute__((noreturn));
/* syscall_dispatch (syscall.c): run the system call a7 of tf. */
void syscall_dispatch(struct trapframe *tf);

#endif
