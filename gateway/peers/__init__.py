"""Local peers the demo starts on loopback (a real OpenSSH sshd as the SFTP partner)."""
