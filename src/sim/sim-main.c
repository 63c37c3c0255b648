/* placeholder until the simulator exists */
int main (void) { return 1; }
