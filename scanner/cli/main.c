/* Entry point placeholder replaced by the real CLI in the next commit. */
int main(void)
{
    return 0;
}
