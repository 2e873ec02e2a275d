/*
 * primes -- CPU-bound: count the primes below N by trial division.
 *   primes[:N]      (default N = 1000)
 */
#include "user/lib/ulib.h"

static int primes_is_prime(unsigned int n)
{
	if (n < 2)
		return 0;
	for (unsigned int d = 2; d * d <= n; d++)
		if (n % d == 0)
			return 0;
	return 1;
}

int main(int argc, char **argv)
{
	unsigned int n = (unsigned int)arg_int(argc, argv, 1, 1000);
	unsigned int count = 0, largest = 0, sum = 0;

	printf("primes: the first ten:");
	for (unsigned int i = 2; i < n; i++) {
		if (!primes_is_prime(i))
			continue;
		if (count < 10)
			printf(" %u", i);
		if (count == 9)
			printf("\n");
		count++;
		largest = i;
		sum += i;
	}
	if (count < 10) /* fewer than ten: end the line here */
		printf("\n");
	printf("primes: %u primes below %u, the largest %u, their sum %u\n", count, n, largest,
	       sum);
	return 0;
}
